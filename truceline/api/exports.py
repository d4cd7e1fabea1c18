"""Export endpoint: the same files as ``truceline export``, streamed with their media type and a file name."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path
from fastapi.responses import StreamingResponse

from truceline.api.deps import Conn
from truceline.export import FORMATS

router = APIRouter(prefix="/api/v1")

_FORMATS = ", ".join(FORMATS)


@router.get(
    "/export/{fmt}",
    summary="Download the store as csv, jsonl, parquet, plover, cameo-tsv or geojson",
    response_class=StreamingResponse,
    responses={200: {"description": "The file (Content-Disposition: attachment).",
                     "content": {f.media_type: {} for f in FORMATS.values()}},
               404: {"description": "Unknown format."}},
)  # fmt: skip
def export_file(fmt: Annotated[str, Path(description=f"One of: {_FORMATS}.", max_length=32)],
                conn: Conn) -> StreamingResponse:
    spec = FORMATS.get(fmt)
    if spec is None:
        raise HTTPException(status_code=404, detail=f"no export format {fmt!r}; choose from {_FORMATS}")
    output = spec.writer(conn)  # reads everything now; the chunks come from memory after the connection closes
    headers = {"Content-Disposition": f'attachment; filename="{spec.filename}"',
               "X-Truceline-Records": str(output.count), "X-Truceline-Skipped": str(output.skipped)}  # fmt: skip
    return StreamingResponse(iter(output.chunks), media_type=spec.media_type, headers=headers)
