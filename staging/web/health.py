from flask import Blueprint, jsonify

from ..store.db import health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the app and its database answer and the database can write; 503 saying why not."""
    problem = health()
    if problem is not None:
        return jsonify(status="error", detail=problem), 503
    return jsonify(status="ok")
