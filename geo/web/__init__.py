"""The web layer: blueprints that parse requests, call the core, and serialise.

`init_app` registers every blueprint and the cross-cutting hooks (security headers, error
pages, request log) on an app built by ``app.create_app``.
"""

from __future__ import annotations

from flask import Flask

from geo.finder import build_finder_index
from geo.web import (
    admin_api,
    admin_pages,
    api,
    basemap,
    coverage_api,
    errors,
    export_api,
    finder_api,
    language,
    live,
    ogc,
    pages,
    security,
    suggest_api,
)

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    """Register blueprints, error handlers and response hooks; build the request indexes."""
    data = app.extensions["nk_datasets"]
    app.extensions["nk_finder"] = build_finder_index(data)
    app.extensions["nk_places"] = data.places  # built with the datasets (geo.data)
    security.init_app(app)
    errors.init_app(app)
    language.init_app(app)
    live.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(basemap.bp)
    app.register_blueprint(coverage_api.bp)
    app.register_blueprint(finder_api.bp)
    app.register_blueprint(ogc.bp)
    app.register_blueprint(export_api.bp)
    app.register_blueprint(suggest_api.bp)
    app.register_blueprint(admin_api.bp)
    admin_pages.init_app(app)
