"""Prometheus metrics, one registry per container (so tests and processes do not share).

GraphQL operations are named by their kind and first root field (`query availableSlots`), never
by the client's operation name, so a client cannot grow the number of series.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
JOB_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = self._counter(
            "metskin_graphql_requests",
            "GraphQL operations, by operation and outcome (ok, error).",
            ["operation", "outcome"],
        )
        self.latency = self._histogram(
            "metskin_graphql_request_seconds", "GraphQL operation latency.", ["operation"]
        )
        self.jobs = self._counter(
            "metskin_jobs",
            "Jobs processed, by actor and outcome (ok, failed).",
            ["actor", "outcome"],
        )
        self.job_latency = self._histogram(
            "metskin_job_seconds", "Job run time, by actor.", ["actor"], JOB_BUCKETS
        )
        self.analyses = self._histogram(
            "metskin_analysis_seconds",
            "Time to analyse one photo or video (the analysis job).",
            [],
            JOB_BUCKETS,
        )
        self.refusals = self._counter(
            "metskin_limit_refusals",
            "Requests refused by a limit: kind (rate, cost, body), and the rule or route.",
            ["kind", "rule"],
        )

    def _counter(self, name: str, documentation: str, labels: list[str]) -> Counter:
        return Counter(name, documentation, labels, registry=self.registry)

    def _histogram(
        self,
        name: str,
        documentation: str,
        labels: list[str],
        buckets: tuple[float, ...] = LATENCY_BUCKETS,
    ) -> Histogram:
        return Histogram(name, documentation, labels, buckets=buckets, registry=self.registry)

    def operation(self, operation: str, seconds: float, ok: bool) -> None:
        self.requests.labels(operation, "ok" if ok else "error").inc()
        self.latency.labels(operation).observe(seconds)

    def job(self, actor: str, seconds: float, ok: bool, is_analysis: bool) -> None:
        self.jobs.labels(actor, "ok" if ok else "failed").inc()
        self.job_latency.labels(actor).observe(seconds)
        if is_analysis and ok:
            self.analyses.observe(seconds)

    def refused(self, kind: str, rule: str) -> None:
        self.refusals.labels(kind, rule).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
