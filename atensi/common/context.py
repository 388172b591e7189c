"""Who is acting and from where, for the audit trail, without threading it through every call."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""


_NONE = RequestInfo()  # frozen, so a shared default is safe
_current: ContextVar[RequestInfo] = ContextVar("atensi_request", default=_NONE)  # noqa: B039


def current_request_info() -> RequestInfo:
    return _current.get()


def set_request_info(info: RequestInfo):
    return _current.set(info)


def reset_request_info(token) -> None:
    _current.reset(token)
