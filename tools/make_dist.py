"""Pack a built HTML site into one zip that works opened from disk: ``make dist``.

Usage: ``python tools/make_dist.py SITE_DIR OUT_DIR``. The zip holds one top folder, so it
unpacks into a folder of its own; the learner opens ``<folder>/index.html``. Entries are sorted
and dated with a fixed time, so the same site gives the same zip.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

#: The name of the zip and of the folder inside it.
DIST_NAME = "isolated-environments-python-hpc"
#: Fixed entry date (zip cannot store dates before 1980).
FIXED_DATE = (2026, 1, 1, 0, 0, 0)
#: Build bookkeeping that a reader never needs.
SKIPPED = {".buildinfo", ".doctrees"}


def site_files(site: Path) -> list[Path]:
    """Every file of the site, sorted, without build bookkeeping."""
    return sorted(
        path
        for path in site.rglob("*")
        if path.is_file() and not SKIPPED.intersection(path.relative_to(site).parts)
    )


def make_zip(site: Path, out_dir: Path, name: str = DIST_NAME) -> Path:
    """Write ``out_dir/<name>.zip`` from ``site`` and return its path."""
    if not (site / "index.html").is_file():
        raise SystemExit(f"make_dist: {site}/index.html is missing; build the HTML site first")
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / f"{name}.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path in site_files(site):
            entry = zipfile.ZipInfo(f"{name}/{path.relative_to(site).as_posix()}", FIXED_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            bundle.writestr(entry, path.read_bytes())
    return archive


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    archive = make_zip(Path(argv[0]), Path(argv[1]))
    print(f"{archive}: unpack it and open {DIST_NAME}/index.html in a browser")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
