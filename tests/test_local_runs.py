"""Flow runs against the ephemeral API send no heartbeats; runs on a server keep Prefect's."""

from __future__ import annotations

from flows.local_runs import local_run_settings


def frequency() -> int | None:
    from prefect.settings import get_current_settings

    return get_current_settings().flows.heartbeat_frequency


def test_no_heartbeats_without_a_server() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: None}):
        before = frequency()
        with local_run_settings():
            assert frequency() is None
        assert frequency() == before


def test_a_server_keeps_prefects_heartbeats() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        before = frequency()
        assert before is not None  # Prefect 3.9's default: 180 s
        with local_run_settings():
            assert frequency() == before
