"""The operations half of the trainer studio: training, models, evaluation, review, analytics.

JSON routes under ``/studio/api/`` (trainers and admins; see :mod:`bot.web.studio` for the
contract: 401/403, CSRF, :class:`bot.studio.errors.StudioError` as a 4xx with its message),
plus ``POST /api/review/corrections`` for agents, who mark the right intent of a customer's
message from the console. The pages themselves (``/studio/training`` ...) are served by
:mod:`bot.web.studio` from ``static/studio/``.

Training and evaluation run in background threads (:mod:`bot.studio.jobs`); the routes only
start them and read their state, so the server and the bot never wait. Activating a model
loads it into this server's Rasa agent in a worker thread; other instances follow the pointer
file (:func:`bot.studio.model_files.follow_active_model`).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.studio import analytics, review, training
from bot.studio import eval_jobs as evaluation
from bot.studio import model_files as models
from bot.studio.errors import StudioError
from bot.studio.jobs import Job, JobStore, cancel
from bot.web.auth import TRAINER_ROLES, Principal, database_url, error, json_body
from bot.web.console import Handler, api
from bot.web.studio import project_root, studio_api

#: Who may mark a customer's message with its right intent.
CORRECTION_ROLES: tuple[str, ...] = ("agent", *TRAINER_ROLES)
_NO_STORE = {"Cache-Control": "no-store"}


def _body(request: Request) -> dict[str, Any]:
    body = json_body(request)
    if isinstance(body, HTTPResponse):
        raise StudioError(
            "The request body must be a JSON object of at most 64 KiB.",
            status=body.status,
        )
    return body


def _root(request: Request) -> Path:
    return project_root(request.app)


def _job_view(store: JobStore, job_id: str) -> dict[str, Any]:
    job = store.get(job_id)
    if job is None:
        raise StudioError("No such job.", status=404)
    return {**job.to_dict(), "log": store.log_tail(job)}


def _jobs_view(store: JobStore) -> dict[str, Any]:
    jobs = store.jobs()
    latest = jobs[0] if jobs else None
    return {
        "running": next((job.to_dict() for job in jobs if job.state == "running"), None),
        "jobs": [job.to_dict() for job in jobs[:15]],
        "latest_log": store.log_tail(latest) if latest else [],
    }


async def _start(start: Callable[..., Job], *args: Any) -> HTTPResponse:
    """Start a background job (reading the project to prepare it happens off the loop)."""
    job = await asyncio.get_running_loop().run_in_executor(None, start, *args)
    return response.json(job.to_dict(), status=202)


# --------------------------------------------------------------------------- training


@studio_api
async def training_status(request: Request, principal: Principal) -> HTTPResponse:
    return response.json(_jobs_view(training.jobs(_root(request))), headers=_NO_STORE)


@studio_api
async def training_start(request: Request, principal: Principal) -> HTTPResponse:
    body = _body(request)
    force = body.get("force", False)
    if not isinstance(force, bool):
        raise StudioError("Field 'force' must be true or false.", status=422)
    return await _start(training.start_training, _root(request), principal.username, force)


@studio_api
async def training_job(request: Request, principal: Principal, job_id: str) -> HTTPResponse:
    return response.json(_job_view(training.jobs(_root(request)), job_id), headers=_NO_STORE)


@studio_api
async def training_cancel(request: Request, principal: Principal, job_id: str) -> HTTPResponse:
    job = cancel(training.jobs(_root(request)), job_id)
    return response.json({"id": job.id, "cancelling": True}, status=202)


# --------------------------------------------------------------------------- models


def _models_view(request: Request) -> dict[str, Any]:
    root = _root(request)
    serving = models.serving_name(getattr(request.app.ctx, "agent", None))
    active = models.serving_model(root)
    return {
        "models": models.list_models(root, serving),
        "serving": serving,
        "active": active.name if active else None,
        "previous": getattr(models.previous_model(root), "name", None),
    }


@studio_api
async def models_list(request: Request, principal: Principal) -> HTTPResponse:
    return response.json(_models_view(request), headers=_NO_STORE)


async def _switch(request: Request, principal: Principal, model: Path) -> HTTPResponse:
    """Load ``model`` into this server, then record it as the active model."""
    await models.load_into_agent(getattr(request.app.ctx, "agent", None), model)
    models.activate(_root(request), model.name, principal.username)
    return response.json(_models_view(request))


@studio_api
async def models_activate(request: Request, principal: Principal) -> HTTPResponse:
    body = _body(request)
    return await _switch(request, principal, models.find_model(_root(request), body.get("model")))


@studio_api
async def models_rollback(request: Request, principal: Principal) -> HTTPResponse:
    previous = models.previous_model(_root(request))
    if previous is None:
        raise StudioError("There is no earlier active model to roll back to.", status=409)
    return await _switch(request, principal, previous)


# --------------------------------------------------------------------------- evaluation


@studio_api
async def evaluation_status(request: Request, principal: Principal) -> HTTPResponse:
    root = _root(request)
    view = _jobs_view(evaluation.jobs(root))
    view["latest"] = evaluation.latest_summary(root)
    return response.json(view, headers=_NO_STORE)


@studio_api
async def evaluation_start(request: Request, principal: Principal) -> HTTPResponse:
    body = _body(request)
    folds = body.get("folds", evaluation.DEFAULT_FOLDS)
    return await _start(evaluation.start_evaluation, _root(request), principal.username, folds)


@studio_api
async def evaluation_job(request: Request, principal: Principal, job_id: str) -> HTTPResponse:
    return response.json(_job_view(evaluation.jobs(_root(request)), job_id), headers=_NO_STORE)


@studio_api
async def evaluation_confusion(request: Request, principal: Principal) -> HTTPResponse:
    path = evaluation.confusion_png(_root(request))
    if path is None:
        raise StudioError("No evaluation has finished yet.", status=404)
    return response.raw(path.read_bytes(), content_type="image/png", headers=_NO_STORE)


# --------------------------------------------------------------------------- review


@studio_api
async def review_list(request: Request, principal: Principal) -> HTTPResponse:
    root = _root(request)
    include_done = request.args.get("all") in ("1", "true", "yes")
    items = await asyncio.get_running_loop().run_in_executor(
        None, review.inbox, root, database_url(request.app), None, include_done
    )
    return response.json(
        {"items": items, "intents": review.known_intents(root)}, headers=_NO_STORE
    )


@studio_api
async def review_example(request: Request, principal: Principal, item_id: int) -> HTTPResponse:
    body = _body(request)
    done = await asyncio.get_running_loop().run_in_executor(
        None, review.add_as_example, _root(request), item_id, body.get("intent"),
        principal.username, database_url(request.app),
    )
    return response.json(done, status=201)


@studio_api
async def review_story(request: Request, principal: Principal, item_id: int) -> HTTPResponse:
    body = _body(request)
    done = await asyncio.get_running_loop().run_in_executor(
        None, review.conversation_as_story, _root(request), item_id, principal.username,
        body.get("name"), database_url(request.app),
    )
    return response.json(done, status=201)


@studio_api
async def review_done(request: Request, principal: Principal, item_id: int) -> HTTPResponse:
    item = review.get_item(_root(request), item_id, database_url(request.app))
    return response.json(review.mark_done(_root(request), item["id"], principal.username, "done"))


def _correction_api(handler: Handler) -> Handler:
    @wraps(handler)
    async def mapped(request: Request, principal: Principal, *args: Any) -> Any:
        try:
            return await handler(request, principal, *args)
        except StudioError as problem:
            return error(problem.status, problem.message, **problem.details)

    return api(CORRECTION_ROLES)(mapped)


@_correction_api
async def correction(request: Request, principal: Principal) -> HTTPResponse:
    body = _body(request)
    result = review.record_correction(
        body.get("sender_id"), body.get("event_id"), body.get("intent"), principal.actor,
        _root(request), database_url(request.app), text=body.get("text"),
    )
    return response.json(result, status=201)


# --------------------------------------------------------------------------- analytics


def _filters(request: Request) -> analytics.Filters:
    return analytics.parse_filters({key: request.args.get(key) for key in request.args})


@studio_api
async def analytics_summary(request: Request, principal: Principal) -> HTTPResponse:
    figures = analytics.summary(_filters(request), database_url(request.app))
    return response.json(figures, headers=_NO_STORE)


@studio_api
async def analytics_csv(request: Request, principal: Principal) -> HTTPResponse:
    rows = analytics.complaint_rows(_filters(request), database_url(request.app))
    return response.text(
        analytics.to_csv(rows),
        content_type="text/csv; charset=utf-8",
        headers={**_NO_STORE, "Content-Disposition": 'attachment; filename="complaints.csv"'},
    )


#: (handler, path, method) of every studio-ops route; tests walk this list.
STUDIO_OPS_ROUTES: list[tuple[Callable[..., Any], str, str]] = [
    (training_status, "/studio/api/training", "GET"),
    (training_start, "/studio/api/training", "POST"),
    (training_job, "/studio/api/training/<job_id:str>", "GET"),
    (training_cancel, "/studio/api/training/<job_id:str>/cancel", "POST"),
    (models_list, "/studio/api/models", "GET"),
    (models_activate, "/studio/api/models/activate", "POST"),
    (models_rollback, "/studio/api/models/rollback", "POST"),
    (evaluation_status, "/studio/api/evaluation", "GET"),
    (evaluation_start, "/studio/api/evaluation", "POST"),
    (evaluation_confusion, "/studio/api/evaluation/latest/confusion.png", "GET"),
    (evaluation_job, "/studio/api/evaluation/<job_id:str>", "GET"),
    (review_list, "/studio/api/review", "GET"),
    (review_example, "/studio/api/review/<item_id:int>/example", "POST"),
    (review_story, "/studio/api/review/<item_id:int>/story", "POST"),
    (review_done, "/studio/api/review/<item_id:int>/done", "POST"),
    (analytics_summary, "/studio/api/analytics", "GET"),
    (analytics_csv, "/studio/api/analytics.csv", "GET"),
    (correction, "/api/review/corrections", "POST"),
]


def add_studio_ops_routes(app: Sanic) -> None:
    """Register the routes, and follow model activations made elsewhere while serving."""
    for handler, path, method in STUDIO_OPS_ROUTES:
        name = "studio_ops_" + re.sub(r"[^a-z0-9]+", "_", f"{method} {path}".lower()).strip("_")
        app.add_route(handler, path, methods=[method], name=name)

    async def follow(app_: Sanic, _loop: Any) -> None:
        if hasattr(getattr(app_.ctx, "agent", None), "load_model"):
            app_.ctx.studio_follower = asyncio.ensure_future(
                models.follow_active_model(app_, project_root(app_))
            )

    async def stop_following(app_: Sanic, _loop: Any) -> None:
        task = getattr(app_.ctx, "studio_follower", None)
        if task is not None:
            task.cancel()

    app.register_listener(follow, "after_server_start")
    app.register_listener(stop_following, "before_server_stop")
