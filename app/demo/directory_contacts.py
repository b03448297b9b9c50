"""Contact details and how to join for the demo county's made-up services."""

from __future__ import annotations

import random
import unicodedata

# How each kind of service is joined: (booking, how to join, what to bring).
JOINING = {
    "open_access": ("drop_in", "Just come along to any session: a youth worker will say hello "
                               "and ask a parent or carer to fill in a short form.", None),
    "drop_in": ("drop_in", "Walk in during opening times; no need to book.", None),
    "uniformed": ("book", "Register your interest on the website or by email; there may be a "
                          "short waiting list. Your first two visits are free.",
                  "Nothing for your first visit."),
    "sport": ("book", "Book a free taster session by phone or email, then join.",
              "Trainers, sports kit and a water bottle."),
    "boxing_martial_arts": ("book", "Book a free first session by phone.",
                            "Loose sports clothes and a water bottle; gloves can be borrowed."),
    "arts_music": ("book", "Email or call to book a place; you can try a session first.",
                   "Nothing: everything is provided."),
    "outdoor": ("book", "Book on the website; a parent or carer fills in a consent form.",
                "Outdoor clothes and shoes that can get muddy."),
    "faith": ("drop_in", "Everyone is welcome, whatever their faith: just come along.", None),
    "detached": ("drop_in", "The team comes to parks, skate parks and town centres. Text or "
                            "call to find out where they will be this week.", None),
    "online": ("book", "Sign up on the website with a parent's or carer's email.",
               "A phone, tablet or computer."),
    "other": ("book", "Call or email to book a place.", None),
}
SEND_NOTES = (
    "Youth workers trained in supporting young people with autism; a quiet room is available.",
    "One-to-one support can be arranged: talk to us before your first visit.",
    "Bring a support worker or carer free of charge.",
    None, None,
)


def add_contact(service) -> None:
    """Made-up contact details: a drama phone number (Ofcom's 01632 960xxx, never a real
    line), an example.org address and how to join, the same for the same service name."""
    rng = random.Random(service.name)
    plain = unicodedata.normalize("NFKD", service.name.lower()).encode("ascii", "ignore").decode()
    slug = "".join(c if c.isalnum() else "-" for c in plain).strip("-")
    slug = "-".join(part for part in slug.split("-") if part)[:60]
    service.phone = f"01632 960{rng.randint(0, 999):03d}"
    service.email = f"{slug[:40]}@example.org"
    if rng.random() < 0.8:
        service.website = f"https://example.org/{slug}"
    service.joining, service.how_to_join, service.what_to_bring = JOINING.get(
        service.service_type, JOINING["other"])
    service.send_notes = rng.choice(SEND_NOTES)
