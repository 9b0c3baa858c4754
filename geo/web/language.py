"""The UI language of a request (``?lang=en``) and what every template needs to speak it.

Resident pages set no cookies, so the language travels in the URL: every link between pages
keeps it (``lang_args``), and the switch link points to the same page in the other language.
"""

from __future__ import annotations

from functools import cache

from flask import Flask, request, url_for
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from werkzeug.routing import BuildError

from geo.i18n import pick_language, strings

__all__ = ["current_language", "init_app"]


def current_language() -> str:
    """The language asked for in the query string, German when absent or unsupported."""
    return pick_language(request.args.get("lang"))


@cache
def _strings_json(lang: str) -> Markup:
    """The strings of ``lang`` as JSON that is safe inside a <script> element."""
    return htmlsafe_json_dumps(dict(strings(lang)))


def _switch_url(lang: str) -> str:
    """The current page in the other language (the start page on error pages)."""
    other = strings(lang)["other_language_code"]
    lang_arg = {} if other == "de" else {"lang": other}
    if request.endpoint is None or request.endpoint == "static":
        return url_for("pages.index", **lang_arg)
    view_args = request.view_args or {}
    # url_for reads "_anchor", "_external" … as options: query keys of that form are dropped
    args = {
        k: v
        for k, v in request.args.items()
        if k != "lang" and not k.startswith("_") and k not in view_args
    }
    try:
        return url_for(request.endpoint, **view_args, **args, **lang_arg)
    except BuildError:
        return url_for("pages.index", **lang_arg)


def init_app(app: Flask) -> None:
    """Give every template ``lang``, ``t``, ``t_json``, ``lang_args`` and ``switch_url``."""

    @app.context_processor
    def _language() -> dict[str, object]:
        lang = current_language()
        return {
            "lang": lang,
            "t": strings(lang),
            "t_json": _strings_json(lang),
            "lang_args": {} if lang == "de" else {"lang": lang},
            "switch_url": _switch_url(lang),
        }
