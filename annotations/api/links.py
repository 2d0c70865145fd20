"""OpenAPI links from the list of notes to what can be done with one of them (a drf-spectacular
postprocessing hook): a client, and schemathesis' stateful tests, learn that the ids the list
gives are those the note's own operations take."""

from __future__ import annotations

from typing import Any

LIST = "/api/annotations/"
ONE = "/api/annotations/{id}/"
ACTIONS = ["flag", "resolve", "reopen", "hide", "restore"]


def link_notes_to_their_operations(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    paths = result.get("paths", {})
    targets = [(ONE, method) for method in ("get", "patch", "delete")]
    targets += [(f"{ONE}{action}/", "post") for action in ACTIONS]
    listed = paths.get(LIST, {}).get("get", {}).get("responses", {}).get("200")
    if listed is None:
        return result
    links = listed.setdefault("links", {})
    for path, method in targets:
        operation = paths.get(path, {}).get(method)
        if operation is None:
            continue
        links[f"first_{operation['operationId']}"] = {
            "operationId": operation["operationId"],
            "parameters": {"id": "$response.body#/results/0/id"},
            "description": "The first note of the page.",
        }
    return result
