"""The demo survey's wave and its "You said, we did" (issue 25): one wave, "2026",
holding every demo answer, with two made-up actions of the council."""

from __future__ import annotations

from datetime import timedelta

from ..models import SurveyWave, WaveAction
from .responses import DAYS, FIRST_DAY

ACTIONS = (
    ("done", {"en": "Many of you said activities cost too much.",
              "pl": "Wielu z was mówiło, że zajęcia kosztują za dużo.",
              "ro": "Mulți dintre voi ați spus că activitățile costă prea mult."},
     {"en": "Every youth club the council runs is now free on Friday evenings.",
      "pl": "Każdy klub młodzieżowy prowadzony przez radę jest teraz bezpłatny w piątkowe "
            "wieczory.",
      "ro": "Fiecare club de tineret al consiliului este acum gratuit vineri seara."}),
    ("doing", {"en": "In villages, many of you cannot get to what is on.",
               "pl": "Na wsiach wielu z was nie może dojechać na zajęcia.",
               "ro": "La sate, mulți dintre voi nu puteți ajunge la activități."},
     {"en": "We are running a youth bus to five villages from September.",
      "pl": "Od września uruchamiamy autobus młodzieżowy do pięciu wsi.",
      "ro": "Din septembrie, un autobuz pentru tineri va merge în cinci sate."}),
)


def build(session, slug: str = "youth-voice") -> None:
    wave = SurveyWave(survey_slug=slug, name="2026", opens_on=FIRST_DAY,
                      closes_on=FIRST_DAY + timedelta(days=DAYS), versions=[])
    session.add(wave)
    session.flush()
    session.add_all(WaveAction(wave_id=wave.id, position=n, status=status, said=said, did=did)
                    for n, (status, said, did) in enumerate(ACTIONS, start=1))
