/* Directory pages: mark that JavaScript runs, so the map boxes (which need it) show. */
document.documentElement.classList.add("js");
