"""One writer and three readers as real processes on one index folder (make test-cluster)."""

import pytest

from bench.cluster import prove

pytestmark = pytest.mark.cluster


def test_readers_never_fail_follow_within_two_seconds_and_survive_kills():
    result = prove(changes=20, readers=3)
    assert result["requests"] > 200
    assert result["failures"] == 0 and result["empty"] == 0, result["problems"]
    assert result["max_lag_s"] <= 2.0, result["lags"]
    assert result["reader_restart_s"] < 120
    assert result["after_writer_killed"] is True
