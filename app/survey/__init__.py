"""The youth voice survey: the public form, staff results, campaigns, survey dates
and the safeguarding queue.

Views live in the ``*routes`` modules (:mod:`.routes` for young people,
:mod:`.results_routes` and :mod:`.admin_routes` for staff), which share the
blueprint made in :mod:`.blueprint`.  This package itself imports nothing, so the
Flask-free parts (:mod:`.definition`, :mod:`.definition_schema`, :mod:`.store`,
:mod:`.safeguarding`), which the publication layer reads, load without Flask
(``tests/codebase/test_flask_free.py``).
"""
