"""Issue 17: the SELECTs a request spends finding its language, for reads that hold the request's
translator but have nothing to translate (a poll of a running analysis, a dermatologist's list
of shared analyses) and for one that has (a failed analysis's reason).

    PYTHONPATH=src .venv/bin/python bench/locale_reads.py
    PYTHONPATH=/tmp/base/src .venv/bin/python bench/locale_reads.py   # another checkout's src

In process on a fresh SQLite database (no HTTP server): a patient with a German profile, a
running and a failed analysis, a dermatologist (English profile) they are shared with. Each
read is sent without `Accept-Language` (the language then comes from the profile) and with
it; printed: SELECTs per request and those on the `users` table (the profile's read).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import make_settings  # noqa: E402
from tests.e2e.conftest import PASSWORD, GraphQLClient, http_on  # noqa: E402
from tests.e2e.test_care_api import add_done_analysis  # noqa: E402
from tests.e2e.test_i18n_api import running_and_failed  # noqa: E402
from tests.integration.test_care_booking import make_doctor  # noqa: E402

from metskin.adapters.db.migrations import upgrade  # noqa: E402
from metskin.bootstrap import bootstrap  # noqa: E402

POLL = "query($id: ID!) { analysis(id: $id) { id status stage progress failureReason } }"
SHARED = "{ sharedAnalyses(first: 10) { edges { node { id status failureReason } } } }"
# a dermatologist's list of shared analyses (DONE ones: nothing in them to translate)
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"


async def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="metskin-locale-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    container = bootstrap(make_settings(folder, database_url=url))
    statements: list[str] = []
    event.listen(container.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    doctor = make_doctor(container, "doc@example.com")
    patient = container.accounts.register("lea@example.de", PASSWORD, "Lea")
    container.accounts.update_profile(patient.id, {"locale": "de-DE"})
    running, failed = running_and_failed(container, patient.id)
    for _ in range(3):
        add_done_analysis(container, patient.id, {})
    async with http_on(container) as http:
        as_patient, as_doctor = GraphQLClient(http), GraphQLClient(http)
        for client, email in ((as_patient, "lea@example.de"), (as_doctor, "doc@example.com")):
            client.token = (await client.data(LOGIN, e=email, p=PASSWORD))["login"]["accessToken"]
        await as_patient.data(
            "mutation($d: ID!) { shareAnalysis(dermatologistId: $d) { scope } }", d=doctor.id
        )
        reads = {
            "poll, running": (as_patient, POLL, {"id": running}),
            "poll, failed": (as_patient, POLL, {"id": failed}),
            "sharedAnalyses": (as_doctor, SHARED, {}),
        }
        print(f"  {'read':16s} {'header':8s} SELECTs  on users  answer")
        for name, (client, query, variables) in reads.items():
            for header in (None, "de-DE"):
                if header:
                    http.headers["accept-language"] = header
                await client.data(query, **variables)  # warm
                statements.clear()
                answer = await client.data(query, **variables)
                http.headers.pop("accept-language", None)
                selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
                users = [s for s in selects if "FROM users" in s]
                words = repr(answer["analysis"]["failureReason"]) if "analysis" in answer else ""
                words = words or f"{len(answer['sharedAnalyses']['edges'])} analyses"
                print(f"  {name:16s} {header or '-':8s} {len(selects):7d} {len(users):9d}  {words}")
    container.close()


if __name__ == "__main__":
    asyncio.run(main())
