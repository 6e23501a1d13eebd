"""In-memory fakes of the ports, one module per domain component (next to its ports).

`uow.py` holds the shared base of every fake unit of work; `infra.py` the fakes of the
infrastructure ports (clock, notifier, event bus, storage, engine...). Unit tests use these;
integration tests use the real adapters.
"""
