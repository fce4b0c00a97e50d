"""Under torch.distributed: metrics averaged over ranks, only rank 0 prints, all ranks agree.

Two CPU processes on the gloo backend, started with torch.multiprocessing.spawn on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import io
import json
import pathlib
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from nngraph.monitor import Monitor, detectors

VAL = {0: [1.0, 0.5, 0.6, 0.7, 0.8, 0.9], 1: [1.0, 0.9, 0.6, 0.5, 0.8, 0.9]}
# mean: [1.0, 0.7, 0.6, 0.6, 0.8, 0.9] -> best at epoch 3, Patience(2) fires at epoch 5
# (rank 0 alone would stop at 4, rank 1 alone at 6)


def _worker(rank: int, world: int, port: int, out: str) -> None:
    dist.init_process_group(
        "gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world
    )
    try:
        text = io.StringIO()
        net = torch.nn.Linear(1, 1, bias=False)
        with contextlib.redirect_stdout(text):
            mon = Monitor(
                model=net, detectors=[detectors.Patience(2)], display="text", print_interval=0
            )
            stop_epoch = None
            for epoch, va in enumerate(VAL[rank], 1):
                with torch.no_grad():
                    net.weight.fill_(float(epoch))
                mon.log(epoch, loss=torch.tensor(float(epoch + rank)), val_loss=va)
                if mon.should_stop and stop_epoch is None:
                    stop_epoch = epoch
            mon.close()
        mon.restore_best()
        result = {
            "records": mon.records(),
            "stop_epoch": stop_epoch,
            "best_epoch": mon.best.epoch if mon.best else None,
            "restored": net.weight.item(),
            "text": text.getvalue(),
        }
        pathlib.Path(out, f"{rank}.json").write_text(json.dumps(result))
    finally:
        dist.destroy_process_group()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(not dist.is_available(), reason="torch.distributed is not available")
def test_two_ranks_average_metrics_and_only_rank_0_prints(tmp_path: pathlib.Path) -> None:
    mp.spawn(_worker, args=(2, _free_port(), str(tmp_path)), nprocs=2, join=True)
    r0, r1 = (json.loads((tmp_path / f"{r}.json").read_text()) for r in (0, 1))
    assert r0["records"] == r1["records"]
    means = [(a + b) / 2 for a, b in zip(VAL[0], VAL[1], strict=True)]
    assert [row["val_loss"] for row in r0["records"]] == pytest.approx(means)
    assert [row["loss"] for row in r0["records"]] == [e + 0.5 for e in range(1, 7)]
    assert r0["stop_epoch"] == r1["stop_epoch"] == 5
    assert r0["best_epoch"] == r1["best_epoch"] == 3
    assert r0["restored"] == r1["restored"] == 3.0  # each rank keeps its own best weights
    assert r0["text"].startswith("epoch    1") and r1["text"] == ""


def test_distributed_true_without_a_process_group_is_a_clear_error() -> None:
    from nngraph.errors import NNGraphError

    mon = Monitor(display=False, distributed=True)
    with pytest.raises(NNGraphError, match="init_process_group"):
        mon.log(1, loss=0.5)
