"""Settings: arguments, environment, defaults, plain-http refusal, secrets kept out of repr."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from guru_form.client._config import (
    AUTH0_2022,
    DEFAULT_API_URL,
    DEFAULT_AUTH_URL,
    DEFAULT_SCOPE,
    resolve_config,
)
from guru_form.errors import InvalidInputError, MissingCredentialsError

ENV = {"GURU_CLIENT_ID": "env-id", "GURU_CLIENT_SECRET": "env-secret-XYZ"}


def test_the_defaults_are_todays_hosted_api() -> None:
    config = resolve_config(env=ENV)
    assert (config.base_url, config.auth_url, config.scope, config.audience) == (
        DEFAULT_API_URL,
        DEFAULT_AUTH_URL,
        DEFAULT_SCOPE,
        None,
    )
    assert DEFAULT_API_URL == "https://api.getguru.ai"
    assert (
        DEFAULT_AUTH_URL
        == "https://customer-console-prod.auth.us-west-2.amazoncognito.com/oauth2/token"
    )
    assert DEFAULT_SCOPE == "https://api.getguru.ai/default"
    assert config.auth_scheme == "raw"
    assert config.credentials.client_id == "env-id" and not config.local


def test_environment_overrides_defaults_and_arguments_override_environment() -> None:
    env = {
        **ENV,
        "GURU_API_URL": "https://guru.example.org/",
        "GURU_AUTH_URL": "https://auth.example.org/token",
        "GURU_SCOPE": "scope-env",
        "GURU_AUTH_SCHEME": "bearer",
    }
    config = resolve_config(env=env)
    assert config.base_url == "https://guru.example.org"  # no trailing slash
    assert config.auth_url == "https://auth.example.org/token" and config.scope == "scope-env"
    assert config.audience is None and config.auth_scheme == "Bearer"
    config = resolve_config(
        "arg-id",
        "arg-secret",
        base_url="https://other.example",
        scope="scope-arg",
        auth_scheme="raw",
        env=env,
    )
    assert config.credentials.client_id == "arg-id" and config.base_url == "https://other.example"
    assert config.scope == "scope-arg" and config.auth_scheme == "raw"


def test_an_audience_is_sent_only_when_set_and_then_replaces_the_default_scope() -> None:
    config = resolve_config(env={**ENV, "GURU_AUDIENCE": "aud-env"})
    assert (config.audience, config.scope) == ("aud-env", None)
    config = resolve_config(audience="aud-arg", scope="both", env=ENV)  # both, when asked
    assert (config.audience, config.scope) == ("aud-arg", "both")
    assert resolve_config(scope="", env=ENV).scope is None  # "" sends no scope


def test_the_2022_configuration() -> None:
    config = resolve_config(**AUTH0_2022.client_kwargs(), env=ENV)
    assert config.base_url == "https://api.getguru.fitness"
    assert config.auth_url == "https://guru-prod.us.auth0.com/oauth/token"
    assert (config.audience, config.scope) == ("https://api.formguru.fitness/", None)
    assert config.auth_scheme == "Bearer"


@pytest.mark.parametrize("scheme", ["Basic", "token", "", 3])
def test_an_unknown_auth_scheme_is_refused(scheme: object) -> None:
    with pytest.raises(InvalidInputError, match="auth_scheme must be 'raw'"):
        resolve_config(auth_scheme=scheme, env=ENV)  # type: ignore[arg-type]


def test_half_credentials_are_refused() -> None:
    with pytest.raises(MissingCredentialsError, match="client_secret was given but client_id"):
        resolve_config(client_secret="s", env={})
    with pytest.raises(MissingCredentialsError, match="GURU_CLIENT_SECRET"):
        resolve_config(env={"GURU_CLIENT_ID": "x"})


def test_a_server_without_credentials_is_refused() -> None:
    with pytest.raises(MissingCredentialsError, match="no credentials were given"):
        resolve_config(base_url="https://guru.example.org", env={})


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000", "http://localhost:1", "http://[::1]:80", "http://127.5.5.5"]
)
def test_plain_http_to_this_machine_is_fine(url: str) -> None:
    assert resolve_config(base_url=url, auth_url=url + "/t", env=ENV).base_url == url


def test_plain_http_to_another_machine_needs_explicit_consent() -> None:
    with pytest.raises(InvalidInputError, match=r"refusing plain http to guru\.example\.org"):
        resolve_config(base_url="http://guru.example.org", env=ENV)
    with pytest.raises(InvalidInputError, match="auth_url"):
        resolve_config(auth_url="http://10.0.0.5/token", env=ENV)
    config = resolve_config(base_url="http://guru.lan", allow_insecure_http=True, env=ENV)
    assert config.base_url == "http://guru.lan"


@pytest.mark.parametrize("url", ["ftp://guru.example.org", "guru.example.org", "https://"])
def test_not_an_http_url(url: str) -> None:
    with pytest.raises(InvalidInputError, match="http"):
        resolve_config(base_url=url, env=ENV)


def test_secret_not_in_repr() -> None:
    config = resolve_config(env=ENV)
    assert "env-secret-XYZ" not in repr(config)
    assert "env-secret-XYZ" not in repr(config.credentials)
    assert "env-id" in repr(config)


def test_local_results_are_cached_per_data_folder_and_engine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A result from the reference engine must not answer once the pose engine is installed."""
    from guru_form.client import _config
    from guru_form.server import embedded

    def fake_server(engine: str) -> embedded.EmbeddedServer:
        return embedded.EmbeddedServer(
            url="http://127.0.0.1:5000",
            auth_url="http://127.0.0.1:5000/oauth/token",
            audience="aud",
            client_id="id",
            client_secret="secret",
            data_dir=tmp_path,
            engine=engine,
        )

    identities = set()
    for engine in ("reference", "pose"):
        monkeypatch.setattr(
            embedded, "ensure_local_server", lambda *_a, e=engine, **_k: fake_server(e)
        )
        config = _config.local_config()
        assert config.local and config.base_url == "http://127.0.0.1:5000"
        identities.add(config.server_identity)
    assert len(identities) == 2
    assert all(str(tmp_path) in i for i in identities)
    hosted = _config.ClientConfig(
        "https://api.example", "https://auth", None, "aud", config.credentials
    )
    assert hosted.server_identity == "https://api.example"


STRIDE_ENGINE = "tests.server._engines:StrideEngine"


@pytest.fixture
def no_local_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No embedded server before or after the test; its home (and data) under ``tmp_path``."""
    from guru_form.server.embedded import stop_local_server

    monkeypatch.setenv("GURU_FORM_HOME", str(tmp_path / "home"))
    stop_local_server()
    yield tmp_path / "home"
    stop_local_server()


def test_the_local_cache_identity_includes_a_stride_off_the_default(tmp_path: Path) -> None:
    from guru_form.server.embedded import EmbeddedServer

    def identity(engine: str, stride: int | None) -> str:
        return EmbeddedServer("u", "a", "aud", "id", "s", tmp_path, engine, stride).identity

    # Stride 1 is the pose engine's default: the identity results were cached under before.
    assert identity("pose", 1) == f"guru-form-local:{tmp_path}:pose"
    assert identity("pose", 2) == f"guru-form-local:{tmp_path}:pose:stride=2"
    assert len({identity("pose", s) for s in (1, 2, 3)}) == 3
    assert identity("reference", None) == f"guru-form-local:{tmp_path}:reference"
    # A custom engine has no known default: any stride given is part of the identity.
    assert identity("pkg.mod:E", 1) != identity("pkg.mod:E", None)


@pytest.mark.parametrize(
    ("engine", "stride", "words"),
    [
        ("auto", 0, "stride must be a whole number of frames, 1 or more"),
        ("pose", "2", "stride must be a whole number of frames, 1 or more"),
        ("pose", 1.5, "stride must be a whole number of frames, 1 or more"),
        ("reference", 2, "'reference' analysis engine has no stride"),
        ("tests.server._engines:EchoEngine", 2, "EchoEngine' takes no stride"),
    ],
)
def test_a_bad_local_stride_is_refused_before_a_server_starts(
    no_local_server: Path, engine: str, stride: object, words: str
) -> None:
    from guru_form import AsyncGuruClient, GuruClient
    from guru_form.server import embedded

    for client_class in (GuruClient, AsyncGuruClient):
        with pytest.raises(InvalidInputError, match=words):
            client_class.local(engine, stride=stride)  # type: ignore[arg-type]
    assert embedded._singleton.running is None
    assert not no_local_server.exists()  # no data folder, no credentials


def test_local_results_are_cached_per_stride(no_local_server: Path, tmp_path: Path) -> None:
    """Over real HTTP: a stride-2 result never answers a stride-3 request, nor the reverse."""
    from guru_form import GuruClient
    from guru_form.server.embedded import stop_local_server
    from guru_form.testing import make_video

    video = make_video(tmp_path / "set.mp4", seed=4242)

    def run(stride: int | None) -> tuple[str | None, float]:
        with GuruClient.local(
            STRIDE_ENGINE, tmp_path / "server", stride=stride, cache_dir=tmp_path / "cache"
        ) as client:
            analysis = client.analyze(video, activity="squat", poll_interval=0.05, progress=False)
        stop_local_server()  # the next run may ask for another stride
        return analysis.video_id, analysis.reps[0].analyses["STRIDE_USED"]

    first_id, used = run(2)
    assert used == 2
    assert run(2) == (first_id, 2)  # from the cache: same video, no new upload
    third_id, used = run(3)
    assert used == 3 and third_id != first_id  # uploaded again, analysed at stride 3
    default_id, used = run(None)
    assert used == 1 and default_id not in (first_id, third_id)  # the engine's own default
    assert run(2) == (first_id, 2)  # and stride 2 still finds its own result
    assert run(3) == (third_id, 3)
