"""Application factory: configuration, datasets loaded once, blueprints.

Run it with ``make run`` (gunicorn) or ``flask --app app run`` for development.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, request
from markupsafe import Markup

from geo.config import PROJECT_ROOT, settings_from_env
from geo.data import load_datasets

__all__ = ["create_app"]

log = logging.getLogger("nachbarschaftskarte")
MAX_LOGGED_PATH = 300


def _with_nonce(html: str, nonce: str) -> Markup:
    """Add the CSP nonce to every <script> tag of trusted, generated HTML (folium output)."""
    return Markup(re.sub(r"<script(?=[\s>])", f'<script nonce="{nonce}"', html))


def _log_requests(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        started = g.get("request_started")
        took_ms = (time.perf_counter() - started) * 1000 if started else float("nan")
        path = request.full_path.rstrip("?")
        if len(path) > MAX_LOGGED_PATH:  # a hostile 10 MB URL is not copied into the log
            path = f"{path[:MAX_LOGGED_PATH]}… ({len(path):,} characters)"
        log.info("%s %s %s %.1f ms", request.method, path, response.status_code, took_ms)
        return response


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app.

    Parameters
    ----------
    config : mapping, optional
        Overrides for the settings read from the environment (see ``geo.config``), e.g.
        ``{"DATA_DIR": path, "TESTING": True}``.

    Raises
    ------
    geo.data.DatasetError
        If a dataset is missing or corrupt: the app does not start on bad data.
    """
    app = Flask(
        __name__,
        root_path=str(PROJECT_ROOT),
        template_folder="templates",
        static_folder="static",
    )
    app.config.update(settings_from_env(os.environ))
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    logging.basicConfig(
        level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    started = time.perf_counter()
    app.extensions["nk_datasets"] = load_datasets(app.config["DATA_DIR"])
    log.info(
        "datasets loaded from %s in %.2f s", app.config["DATA_DIR"], time.perf_counter() - started
    )

    from geo import cli, web

    app.add_template_filter(_with_nonce, "with_nonce")
    web.init_app(app)
    cli.init_app(app)
    _log_requests(app)
    # Everything loaded so far lives as long as the process: keep the garbage collector from
    # rescanning it on every full collection (tail latency), and leave the pages shared
    # between gunicorn workers forked after --preload.
    gc.collect()
    gc.freeze()
    return app
