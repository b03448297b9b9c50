"""The provision directory: public search and service pages, anonymous reports,
commissioner pages to keep it true, council buildings, exports and the Open
Referral (HSDS 3) API.

Views live in the ``*routes`` modules (parse, call :mod:`.service`, render);
the blueprint is made here so every route module shares it.
"""

from flask import Blueprint

bp = Blueprint("directory", __name__)
