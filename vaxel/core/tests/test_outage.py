"""An outage (Redis down) as one process sees it: said once, retried with back-off,
and over once, with what was missed asked for again."""

import logging

from vaxel.core.outage import Outage, OutageLogFilter


def test_an_outage_is_said_once_backs_off_and_is_over_once(caplog, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr("vaxel.core.outage.time.monotonic", lambda: clock[0])
    outage = Outage("Redis", first_retry=1, longest_retry=8, summary=300)
    recovered = []
    outage.on_recovery(lambda: recovered.append(clock[0]))
    caplog.set_level(logging.INFO, logger="vaxel.outage")
    assert outage.available() and not outage.down
    delays = []
    for _attempt in range(6):
        outage.failed(ConnectionError("refused"))
        delays.append(outage.retry_in())
        assert not outage.available()
        clock[0] += delays[-1]
        assert outage.available()
    assert delays == [1, 2, 4, 8, 8, 8]
    assert len(caplog.records) == 1 and "not reachable" in caplog.records[0].getMessage()
    clock[0] += 300
    outage.failed(ConnectionError("refused"))
    assert len(caplog.records) == 2 and "still not reachable" in caplog.records[1].getMessage()
    outage.succeeded()
    outage.succeeded()
    assert [r.getMessage().split(" after")[0] for r in caplog.records[2:]] == ["Redis is reachable again"]
    assert recovered == [clock[0]] and outage.available() and not outage.down


def test_the_job_queues_own_tracebacks_about_redis_become_the_outage_and_are_dropped(monkeypatch):
    redis = Outage("Redis")
    monkeypatch.setattr("vaxel.core.outage.REDIS", redis)  # the process's own stays as it is
    record = logging.LogRecord(
        "huey.consumer.Scheduler", logging.ERROR, __file__, 1, "Error reading schedule.", (), None
    )
    try:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    except ConnectionError as error:
        record.exc_info = (type(error), error, error.__traceback__)
    assert OutageLogFilter().filter(record) is False
    assert redis.down
    other = logging.LogRecord("vaxel.messaging", logging.ERROR, __file__, 1, "a real bug", (), None)
    other.exc_info = record.exc_info
    assert OutageLogFilter().filter(other) is True  # only the job queue's are taken
