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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, StrictBool
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.store.blocking import run_staff_db
from bot.studio import analytics, review, training
from bot.studio import eval_jobs as evaluation
from bot.studio import model_files as models
from bot.studio.errors import StudioError
from bot.studio.files import LANGUAGE_NAMES
from bot.studio.jobs import Job, JobStore, cancel
from bot.web.auth import TRAINER_ROLES, Principal, database_url, settings_of
from bot.web.console import read_file
from bot.web.errors import ApiError
from bot.web.forms import query_of
from bot.web.studio import body_of, project_root, studio_api

#: Who may mark a customer's message with its right intent.
CORRECTION_ROLES: tuple[str, ...] = ("agent", *TRAINER_ROLES)
_NO_STORE = {"Cache-Control": "no-store"}

studio_ops_routes = Blueprint("staff_studio_ops")


class TrainingRequest(BaseModel):
    force: StrictBool = False


class EvaluationRequest(BaseModel):
    folds: Any = evaluation.DEFAULT_FOLDS  # bot.studio.evaluation checks the range
    #: the model whose test stories run; None: the serving one (bot.studio checks the name)
    model: Any = None


class ModelRequest(BaseModel):
    model: Any = None


class ReviewExample(BaseModel):
    intent: Any = None
    #: the language code whose data the example joins; None: the detected one
    language: Any = None


class ReviewStory(BaseModel):
    name: Any = None


class CorrectionRequest(BaseModel):
    """An agent's correction; bot.studio.review checks each field and names it."""

    sender_id: Any = None
    event_id: Any = None
    intent: Any = None
    text: Any | None = None


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
    job = await run_staff_db(start, *args)
    return response.json(job.to_dict(), status=202)


# --------------------------------------------------------------------------- training


@studio_ops_routes.route("/studio/api/training", methods=["GET"])
@studio_api
async def training_status(request: Request, principal: Principal) -> HTTPResponse:
    view = await run_staff_db(lambda root: _jobs_view(training.jobs(root)), _root(request))
    return response.json(view, headers=_NO_STORE)


@studio_ops_routes.route("/studio/api/training", methods=["POST"])
@studio_api
async def training_start(request: Request, principal: Principal) -> HTTPResponse:
    body = body_of(request, TrainingRequest)
    root, serving = _root(request), models.serving_name(_agent(request))
    # the new model must not serve after a restart before a trainer activates it
    await run_staff_db(models.pin_serving, root, serving, principal.username)
    return await _start(training.start_training, root, principal.username, body.force)


@studio_ops_routes.route("/studio/api/training/<job_id:str>", methods=["GET"])
@studio_api
async def training_job(request: Request, principal: Principal, job_id: str) -> HTTPResponse:
    view = await run_staff_db(lambda root: _job_view(training.jobs(root), job_id), _root(request))
    return response.json(view, headers=_NO_STORE)


@studio_ops_routes.route("/studio/api/training/<job_id:str>/cancel", methods=["POST"])
@studio_api
async def training_cancel(request: Request, principal: Principal, job_id: str) -> HTTPResponse:
    job = await run_staff_db(lambda root: cancel(training.jobs(root), job_id), _root(request))
    return response.json({"id": job.id, "cancelling": True}, status=202)


# --------------------------------------------------------------------------- models


def _models_view(root: Path, agent: Any) -> dict[str, Any]:
    """One truth: the model the bot answers with (this server's, else what it would serve)."""
    serving = models.current_model_name(root, models.serving_name(agent))
    return {
        "models": models.list_models(root, serving),
        "serving": serving,
        "active": serving,  # the old name of the same fact
        "previous": getattr(models.previous_model(root), "name", None),
    }


def _agent(request: Request) -> Any:
    return getattr(request.app.ctx, "agent", None)


@studio_ops_routes.route("/studio/api/models", methods=["GET"])
@studio_api
async def models_list(request: Request, principal: Principal) -> HTTPResponse:
    view = await run_staff_db(_models_view, _root(request), _agent(request))
    return response.json(view, headers=_NO_STORE)


async def _switch(request: Request, principal: Principal, model: Path) -> HTTPResponse:
    """Load ``model`` into this server, then record it as the active model."""
    await models.load_into_agent(_agent(request), model)
    await run_staff_db(models.activate, _root(request), model.name, principal.username)
    return response.json(await run_staff_db(_models_view, _root(request), _agent(request)))


@studio_ops_routes.route("/studio/api/models/activate", methods=["POST"])
@studio_api
async def models_activate(request: Request, principal: Principal) -> HTTPResponse:
    body = body_of(request, ModelRequest)
    model = await run_staff_db(models.find_model, _root(request), body.model)
    return await _switch(request, principal, model)


@studio_ops_routes.route("/studio/api/models/rollback", methods=["POST"])
@studio_api
async def models_rollback(request: Request, principal: Principal) -> HTTPResponse:
    previous = await run_staff_db(models.previous_model, _root(request))
    if previous is None:
        raise ApiError(409, "There is no earlier active model to roll back to.")
    return await _switch(request, principal, previous)


# --------------------------------------------------------------------------- evaluation


def _evaluation_view(root: Path, agent: Any) -> dict[str, Any]:
    view = _jobs_view(evaluation.jobs(root))
    view["latest"] = evaluation.latest_summary(root)
    serving = models.current_model_name(root, models.serving_name(agent))
    view["serving"] = serving  # what an evaluation scores unless told another model
    view["models"] = [item["name"] for item in models.list_models(root, serving)]
    return view


@studio_ops_routes.route("/studio/api/evaluation", methods=["GET"])
@studio_api
async def evaluation_status(request: Request, principal: Principal) -> HTTPResponse:
    view = await run_staff_db(_evaluation_view, _root(request), _agent(request))
    return response.json(view, headers=_NO_STORE)


@studio_ops_routes.route("/studio/api/evaluation", methods=["POST"])
@studio_api
async def evaluation_start(request: Request, principal: Principal) -> HTTPResponse:
    body = body_of(request, EvaluationRequest)
    serving = models.serving_name(_agent(request))
    return await _start(
        evaluation.start_evaluation,
        _root(request),
        principal.username,
        body.folds,
        body.model,
        serving,
    )


@studio_ops_routes.route("/studio/api/evaluation/<job_id:str>", methods=["GET"])
@studio_api
async def evaluation_job(request: Request, principal: Principal, job_id: str) -> HTTPResponse:
    view = await run_staff_db(lambda root: _job_view(evaluation.jobs(root), job_id), _root(request))
    return response.json(view, headers=_NO_STORE)


def _confusion_png(root: Path) -> bytes | None:
    path = evaluation.confusion_png(root)
    return read_file(path) if path is not None else None


@studio_ops_routes.route("/studio/api/evaluation/latest/confusion.png", methods=["GET"])
@studio_api
async def evaluation_confusion(request: Request, principal: Principal) -> HTTPResponse:
    png = await run_staff_db(_confusion_png, _root(request))
    if png is None:
        raise ApiError(404, "No evaluation has finished yet.")
    return response.raw(png, content_type="image/png", headers=_NO_STORE)


# --------------------------------------------------------------------------- review


def _threshold(request: Request) -> float:
    """The NLU confidence below which a message is reviewed (the settings')."""
    return settings_of(request.app).escalation.nlu_confidence_threshold


def _review_view(root: Path, url: str, threshold: float, include_done: bool) -> dict[str, Any]:
    items = review.inbox(root, url, threshold, include_done)
    return {
        "items": items,
        "intents": review.known_intents(root),
        "language_names": dict(LANGUAGE_NAMES),
    }


@studio_ops_routes.route("/studio/api/review", methods=["GET"])
@studio_api
async def review_list(request: Request, principal: Principal) -> HTTPResponse:
    include_done = request.args.get("all") in ("1", "true", "yes")
    url = database_url(request.app)
    view = await run_staff_db(_review_view, _root(request), url, _threshold(request), include_done)
    if principal.role != "admin":  # customer data is for admins (README, "Sign-in and roles")
        key = settings_of(request.app).secret_key
        view["items"] = [review.for_trainers(item, key) for item in view["items"]]
    return response.json(view, headers=_NO_STORE)


async def _on_item(
    request: Request,
    principal: Principal,
    item_id: int,
    action: Callable[..., dict[str, Any]],
    status: int = 201,
    **answers: Any,
) -> HTTPResponse:
    """``action`` done to review item ``item_id`` by the signed-in trainer, off the loop."""
    done = await run_staff_db(
        action,
        _root(request),
        item_id,
        by=principal.username,
        database_url=database_url(request.app),
        threshold=_threshold(request),
        **answers,
    )
    return response.json(done, status=status)


@studio_ops_routes.route("/studio/api/review/<item_id:int>/example", methods=["POST"])
@studio_api
async def review_example(request: Request, principal: Principal, item_id: int) -> HTTPResponse:
    body = body_of(request, ReviewExample)
    return await _on_item(
        request,
        principal,
        item_id,
        review.add_as_example,
        intent=body.intent,
        language=body.language,
    )


@studio_ops_routes.route("/studio/api/review/<item_id:int>/story", methods=["POST"])
@studio_api
async def review_story(request: Request, principal: Principal, item_id: int) -> HTTPResponse:
    body = body_of(request, ReviewStory)
    return await _on_item(request, principal, item_id, review.conversation_as_story, name=body.name)


def _mark_done(
    root: Path, item_id: int, by: str, database_url: str, threshold: float
) -> dict[str, Any]:
    item = review.get_item(root, item_id, database_url, threshold)
    done: dict[str, Any] = review.mark_done(root, item["id"], by, "done")
    return done


@studio_ops_routes.route("/studio/api/review/<item_id:int>/done", methods=["POST"])
@studio_api
async def review_done(request: Request, principal: Principal, item_id: int) -> HTTPResponse:
    return await _on_item(request, principal, item_id, _mark_done, status=200)


async def _correction(request: Request, principal: Principal) -> HTTPResponse:
    body = body_of(request, CorrectionRequest)
    result = await run_staff_db(
        lambda: review.record_correction(
            body.sender_id,
            body.event_id,
            body.intent,
            principal.actor,
            _root(request),
            database_url(request.app),
            text=body.text,
        )
    )
    return response.json(result, status=201)


correction = studio_ops_routes.route("/api/review/corrections", methods=["POST"])(
    studio_api(_correction, CORRECTION_ROLES)
)


# --------------------------------------------------------------------------- analytics


def _filters(request: Request) -> analytics.Filters:
    return analytics.parse_filters(query_of(request.args), settings_of(request.app))


@studio_ops_routes.route("/studio/api/analytics", methods=["GET"])
@studio_api
async def analytics_summary(request: Request, principal: Principal) -> HTTPResponse:
    figures = await run_staff_db(
        analytics.summary, _filters(request), settings_of(request.app), database_url(request.app)
    )
    return response.json(figures, headers=_NO_STORE)


@studio_ops_routes.route("/studio/api/analytics.csv", methods=["GET"])
@studio_api
async def analytics_csv(request: Request, principal: Principal) -> HTTPResponse:
    rows = await run_staff_db(
        analytics.complaint_rows,
        _filters(request),
        settings_of(request.app),
        database_url(request.app),
    )
    return response.text(
        analytics.to_csv(rows),
        content_type="text/csv; charset=utf-8",
        headers={**_NO_STORE, "Content-Disposition": 'attachment; filename="complaints.csv"'},
    )


@studio_ops_routes.listener("after_server_start")
async def _follow_active_model(app: Sanic, _loop: Any) -> None:
    """Follow model activations made by other instances while serving."""
    if hasattr(getattr(app.ctx, "agent", None), "load_model"):
        app.ctx.studio_follower = asyncio.ensure_future(
            models.follow_active_model(app, project_root(app))
        )


@studio_ops_routes.listener("before_server_stop")
async def _stop_following(app: Sanic, _loop: Any) -> None:
    task = getattr(app.ctx, "studio_follower", None)
    if task is not None:
        task.cancel()
