"""Fetch the real clips that may not be redistributed into tests/footage/external/.

They stay out of git (see README.md: they carry third parties' branding, or their repository has
no licence, or they came from a repository snapshot). Each is pinned to a commit and checked
against its SHA-256. Tests that use them skip when they are missing. The clips are the five below
(the engine's first real clips) and every clip of the corpus manifests in ``corpus/*.json``.

    python tests/footage/fetch_external.py                 # download from raw.githubusercontent.com
    python tests/footage/fetch_external.py --mirror DIR    # copy from local git clones in DIR,
                                                           # named owner+name/repo or owner+name
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

from corpus import load_corpus  # this script's folder is on sys.path

HERE = Path(__file__).resolve().parent
EXTERNAL = HERE / "external"

# destination -> (repository, commit, path in the repository, sha256)
CLIPS: dict[str, tuple[str, str, str, str]] = {
    "deadlift_side_01.mp4": (
        "Jurisimo00/gym_tracker",
        "a8c5c426c434f1f079b5f70fb478379dda3c498a",
        "deadlift.mp4",
        "87eedcd5592348cef94c608fc0afd319055b78856a0f4fc87f0a30d6a7e31df2",
    ),
    "deadlift_side_02.mp4": (
        "Jurisimo00/gym_tracker",
        "a8c5c426c434f1f079b5f70fb478379dda3c498a",
        "deadlift2.mp4",
        "31006d19880b9b58bf5b4fb245e3bf90b1436129048eab4f136ac550dc59f766",
    ),
    "squat_side_02.mp4": (
        "Jurisimo00/gym_tracker",
        "a8c5c426c434f1f079b5f70fb478379dda3c498a",
        "squat.mp4",
        "272cb2485fa305d91687bfee8fa443bd2e57e2e74f69a4f1971b93e462680fa3",
    ),
    "bench_press_side_01.mp4": (
        "k-minsik/project",
        "e9e970799a57937746bead296930421eaf547fec",
        "bench.mp4",
        "53d68c0b2ecec5cbe52c0e3eb8c8dd9c03a7b9fb3953e9022a265527685df295",
    ),
    "squat_mixed_views_01.mp4": (
        "luizfcharry/MrPose",
        "3ce795c22864bda8ff1d66b4b9325be98c1a6add",
        "squat.mp4",
        "a2c7c4fc6d10607de5ebe68b2ba03b65a1f69b28a7e578d39db6bc727743506b",
    ),
}


def _from_mirror(mirror: Path, repo: str, commit: str, path: str) -> bytes:
    key = repo.replace("/", "+")
    for candidate in (mirror / key / "repo", mirror / key):
        if candidate.exists():
            return subprocess.run(
                ["git", "-C", str(candidate), "show", f"{commit}:{path}"],
                check=True,
                capture_output=True,
            ).stdout
    raise FileNotFoundError(f"no clone of {repo} under {mirror}")


def _download(repo: str, commit: str, path: str) -> bytes:
    import httpx

    url = f"https://raw.githubusercontent.com/{repo}/{commit}/{path}"
    response = httpx.get(url, follow_redirects=True, timeout=60.0)
    response.raise_for_status()
    return response.content


def all_clips() -> dict[str, tuple[str, str, str, str]]:
    """The clips above and the corpus manifests' clips, by destination file name."""
    clips = dict(CLIPS)
    for clip in load_corpus():
        clips[clip.file] = (clip.repo, clip.commit, clip.source_path, clip.sha256)
    return clips


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, help="folder of local git clones to copy from")
    args = parser.parse_args(argv)
    EXTERNAL.mkdir(exist_ok=True)
    failures = 0
    for name, (repo, commit, path, digest) in all_clips().items():
        target = EXTERNAL / name
        if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == digest:
            print(f"ok       {name}")
            continue
        try:
            data = (
                _from_mirror(args.mirror, repo, commit, path)
                if args.mirror
                else _download(repo, commit, path)
            )
        except Exception as exc:
            print(f"FAILED   {name}: {exc}", file=sys.stderr)
            failures += 1
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            print(f"FAILED   {name}: checksum mismatch", file=sys.stderr)
            failures += 1
            continue
        target.write_bytes(data)
        print(f"fetched  {name}  ({repo}@{commit[:7]}:{path})")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
