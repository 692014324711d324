from flask import Blueprint, jsonify

from ..store.db import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.execute_sql("SELECT 1").fetchone()
    except Exception as err:  # any database failure means: not healthy
        return jsonify(status="error", detail=str(err)), 503
    return jsonify(status="ok")
