"""A wall screen's token opens that screen only: no two screens share one, and none is an API token."""
from ...store.models import ApiToken, Screen

PROMISE = "each wall screen has a token of its own, which is no API token"


def broken():
    hashes = [h for (h,) in Screen.select(Screen.token_hash).tuples()]
    problems = [f"wall screens share a token ({h[:8]}…)" for h in {h for h in hashes if hashes.count(h) > 1}]
    if hashes:
        shared = ApiToken.select(ApiToken.id).where(ApiToken.token_hash.in_(hashes))
        problems += [f"API token {token_id} is also a wall screen's token" for (token_id,) in shared.tuples()]
    return problems
