"""Measure: thumbnails of 12-megapixel phone photos per second on one core.

The rates are for one thread: the rendering (``render_image``, the 320 px WebP) and the preview
job as a worker runs it (read the upload, render, store the thumbnail, the preview rows and the
queued screen job).

Photos are generated once (4000×3000 JPEG, quality 90, a gradient under noise so that they
compress like a phone's pictures, about 3 MB each) with an EXIF orientation now and then; the table
prints their average size, since a noisier photo (6 MB) renders at about half the rate.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

from PIL import Image

from backend.documents.imaging import render_image
from backend.documents.models import DocumentDraft, NewContent
from backend.documents.previews import PREVIEW_JOB, THUMBNAIL_ONLY
from backend.jobs.registry import job_handlers
from backend.runtime import Runtime
from bench.catalog import make_catalog, make_customer

__all__ = ["ThumbnailResult", "format_thumbnail_table", "run_thumbnail_benchmark"]

BUDGET = 20.0  # thumbnails per second per core
SIZE = (4000, 3000)


@dataclass(frozen=True, slots=True)
class ThumbnailResult:
    engine: str
    photos: int
    megabytes: float
    render_per_second: float
    job_per_second: float


def photo(seed: int) -> bytes:
    noise = Image.effect_noise(SIZE, 26 + seed % 10).convert("RGB")
    gradient = Image.linear_gradient("L").resize(SIZE).convert("RGB")
    picture = Image.blend(gradient, noise, 0.2)
    exif = Image.Exif()
    exif[0x0112] = 6 if seed % 3 == 0 else 1  # orientation: some taken upright, some turned
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


async def run_thumbnail_benchmark(
    runtime: Runtime, *, engine: str, photos: int = 40
) -> ThumbnailResult:
    pictures = [photo(i) for i in range(photos)]
    started = time.perf_counter()
    for data in pictures:
        preview = render_image(data, "image/jpeg", kinds=THUMBNAIL_ONLY)
        assert max(preview.renditions[0].width, preview.renditions[0].height) == 320
    render_rate = photos / (time.perf_counter() - started)

    catalog = await make_catalog(runtime)
    customer_id = await make_customer(runtime, catalog, 1)
    services = runtime.services()
    versions = []
    for i, data in enumerate(pictures):
        document = await services.documents.upload(
            catalog.principal,
            DocumentDraft(
                customer_id=customer_id,
                document_type_id=catalog.types["letter"].id,
                title=f"Site photo {i}",
                document_date=None,
                index_values={},
                register_ids=None,
                content=NewContent(filename=f"IMG_{i:04d}.jpg", data=data),
            ),
        )
        [[version]] = await services.documents.versions_of(catalog.principal, [document.id])
        versions.append(version.id)
    worker = runtime.worker({PREVIEW_JOB: job_handlers(runtime)[PREVIEW_JOB]})
    started = time.perf_counter()
    done = 0
    while await worker.run_once() is not None:
        done += 1
    job_rate = done / (time.perf_counter() - started)
    previews = await services.documents.previews(catalog.principal, versions)
    if [p.state for p in previews] != ["ready"] * photos:
        raise AssertionError(f"not every photo got its preview: {[p.state for p in previews]}")
    return ThumbnailResult(
        engine, photos, sum(map(len, pictures)) / photos / 1e6, render_rate, job_rate
    )


def format_thumbnail_table(results: list[ThumbnailResult]) -> str:
    head = "engine    12-MP photos (avg MB)   render thumbnails/s   preview jobs/s   verdict"
    lines = [head, "-" * len(head)]
    for r in results:
        verdict = "PASS" if min(r.render_per_second, r.job_per_second) >= BUDGET else "FAIL"
        lines.append(
            f"{r.engine:<8}  {r.photos:>5} ({r.megabytes:4.1f} MB)       "
            f"{r.render_per_second:14.1f}   {r.job_per_second:14.1f}   "
            f"{verdict} (≥ {BUDGET:.0f}/s on one core)"
        )
    return "\n".join(lines)
