"""A stand-in for the PDF exporter, for tests of what a build decides rather than draws.

It renders each document's HTML from the same plan as the real exporter (so a
change to a record, a template or a catalog changes its bytes) and writes that
HTML, with a header naming the job, instead of a PDF. Joining puts the member's
pages in front, as the real join does. Nothing here imports WeasyPrint.
"""

from __future__ import annotations

import hashlib

from pipeline.plan.documents import Job
from pipeline.render.exporter import Exporter, Made, content_html

HEADER = b"%FAKE-PDF "


class FakePdf(Exporter):
    """Writes the document's HTML where its PDF would go.

    A document fitted on one page has one page; others have one per 4,000 bytes of HTML.
    """

    format = "pdf"

    def export(self, job: Job) -> Made:
        html = content_html(self.bench, job.spec, job.kind.content).encode("utf-8")
        sources = b"".join(hashlib.sha256(p.read_bytes()).digest() for p in job.sources)
        data = HEADER + str(job.path).encode() + b"\n" + hashlib.sha256(sources).digest() + html
        pages = 1 if job.kind.fitting == "one page" else 1 + len(html) // 4000
        return Made(job, data, pages, complete=job.base is None)

    def join(self, front: Made, behind: Made) -> Made:
        assert front.pages is not None and behind.pages is not None
        return Made(front.job, front.data + behind.data, front.pages + behind.pages)
