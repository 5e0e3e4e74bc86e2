"""What a job's page shows, whichever side started it (a reviewer's zip, an admin's roster export or import)."""
from kdweb.services import jobs


def job_page(job, status_url: str, file_url: str | None = None, *, back: tuple[str, str],
             result_url: str | None = None) -> dict:
    jobs.load_kinds()
    return {"job": job, "title": jobs.TITLES.get(job.kind, job.kind), "noun": jobs.NOUNS.get(job.kind, ""),
            "status_url": status_url, "file_url": file_url if job.filename else None, "result_url": result_url,
            "back_url": back[0], "back_text": back[1]}
