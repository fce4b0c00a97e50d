"""Which metric a detector watches, and which way is better: names, Prechelt's errors, defaults."""

from __future__ import annotations

import math
import random
import re
import warnings

import pytest

from nngraph import i18n
from nngraph.errors import NNGraphError
from nngraph.monitor import Monitor, detectors
from nngraph.monitor._names import LOSS_NAMES, Mode, mode_known, resolve_mode
from nngraph.monitor._text import TextPrinter
from nngraph.monitor.detectors import GL, PQ, UP, Gap, Patience

# ----------------------------------------------------------------------------- mode="auto"

HIGHER = [
    "top1", "top5", "val_top5", "train_topk", "val_f1", "val_f1score", "val_fscore", "val_iou",
    "val_mIoU", "test_dice", "val_mAP", "val_map50", "val_r2", "val_bleu", "val_rouge1",
    "val_rougeL", "val_psnr", "VAL_SSIM", "val_acc", "val/auc",
    # torchmetrics' names: AUROC, AveragePrecision, ...
    "val_auroc", "val_ap", "val_auprc", "val_aupr", "val_jaccard", "val_mcc", "val_map_50",
    # sweep 18b: agreement, correlation, ranking, similarity, reward (once taken as losses)
    "val_kappa", "val_corr", "val_pearson", "val_spearman", "val_hit_rate", "val_hitrate",
    "val_ndcg", "val_mrr", "val_reward", "val_return", "val_sensitivity", "val_specificity",
    "val_cosine_similarity", "val_similarity", "val_cos_sim", "val_exact_match", "val_em",
    "val_balanced_acc", "val_bacc", "val_pck", "val_snr", "val_success_rate",
    # @k and _at_k spellings of ranking metrics
    "val_recall@10", "hits@10", "val_ndcg@5", "val_precision_at_5", "val_hit_at_10",
    "val_mAP@0.5",
    # sweep 24c: a Polish lecture's names, with and without the letters' marks
    "dokładność", "val_dokladnosc", "val_trafność", "Trafnosc", "val_precyzja", "czułość",
    # sweep 25: common names that were read as unknown (and taken for losses)
    "val_sacrebleu", "val_rougeLsum", "val_msssim", "val_dsc", "val_prec", "val_fmeasure",
    "val_nmi", "val_ari", "val_explained_variance",
    # what a loss measures, named with a score: a score
    "val_recon_psnr", "val_hamming_score",
]  # fmt: skip
LOWER = [
    "val_loss", "loss", "val_error", "val_err", "val_mae", "val_mse", "test_rmse", "perplexity",
    "val_cer", "val_wer", "val_top1_error", "val_dice_loss", "val_iou_loss", "val_distance",
    # lower-is-better words win over a higher one (score, sim)
    "val_fid", "val_fid_score", "val_lpips", "val_brier_score", "val_ece_score", "val_kid",
    "val_mape", "val_eer",
    "val_cost", "val_strata", "błąd", "val_blad_walidacji", "koszt",
    # review 24: common loss names that warned as unknown
    "val_ce", "val_bce", "val_kl", "val_logloss", "val_cross_entropy", "val_huber", "val_l1",
    # sweep 25: more of them, a distance, and what a loss measures (recon, hamming)
    "val_kld", "val_crossentropy", "val_recon", "val_reconstruction", "val_hamming",
    "val_hamming_loss", "val_msle", "val_kl_divergence", "val_chamfer", "val_bpd",
    "val_odległość", "val_entropia_krzyżowa", "val_stopa_błędu", "val_wartość_straty",
]  # fmt: skip


@pytest.mark.parametrize("metric", HIGHER)
def test_auto_mode_maximises_common_higher_is_better_names(metric: str) -> None:
    assert resolve_mode("auto", metric) == "max"
    assert Patience(3, metric=metric).mode == "max"


@pytest.mark.parametrize("metric", LOWER)
def test_auto_mode_minimises_losses_and_errors_even_with_a_higher_word(metric: str) -> None:
    assert resolve_mode("auto", metric) == "min"


@pytest.mark.parametrize("metric", ["val_reward", "val_kappa", "val_ndcg@10"])
def test_a_rising_higher_is_better_metric_is_the_best_at_its_last_epoch(metric: str) -> None:
    """Sweep 18b: ``val_reward`` was taken as a loss, so the best was epoch 1, GL called the
    rise "getting worse" and Patience stopped a run that was still improving."""
    mon = Monitor(metric=metric, display=False)
    for epoch in range(1, 40):
        mon.log(epoch, loss=1 / epoch, **{metric: 1.0 + 5 * epoch})
    assert mon.events == [] and not mon.should_stop
    assert mon.best is not None and mon.best.epoch == 39


@pytest.mark.parametrize(
    ("metric", "mode"),
    [
        ("val_log_likelihood", "max"), ("val_loglik", "max"), ("val_elbo", "max"),
        ("val/ELBO", "max"), ("test_loglikelihood", "max"), ("neg_log_likelihood", "min"),
        ("val_neg_elbo", "min"), ("negative_loglik", "min"), ("val_nll", "min"),
        ("val_elbo_loss", "min"),
    ],
)  # fmt: skip
def test_auto_mode_maximises_a_likelihood_unless_the_name_negates_it(
    metric: str, mode: str
) -> None:
    assert resolve_mode("auto", metric) == mode
    mon = Monitor(metric=metric, display=False, detectors=[])
    for epoch, value in enumerate([-3.0, -1.0, -2.0], 1):
        mon.log(epoch, **{metric: value})
    assert mon.best is not None and mon.best.epoch == (2 if mode == "max" else 1)


@pytest.mark.parametrize("metric", [*HIGHER, *LOWER])
def test_a_common_metric_name_is_read_without_a_warning(metric: str) -> None:
    """Review 24 (F5): ``val_ce``, ``val_recon`` and ``val_hamming`` were read as unknown, so
    every run watching them warned that the name says neither way."""
    assert mode_known(metric)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Monitor(metric=metric, display=False)


def test_a_name_that_says_neither_way_is_taken_for_a_loss_with_a_warning() -> None:
    """Sweep 24c: ``Monitor(metric="dokładność")`` took an accuracy for a loss in silence, so
    the best epoch was its worst and restore_best() put back the worst weights."""
    with pytest.warns(UserWarning, match=r"'val_poprawnosc' does not say .* mode=\"max\""):
        mon = Monitor(metric="val_poprawnosc", display=False, detectors=[])
    assert mon.mode == "min"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a known name, or a mode given: nothing to say
        Monitor(metric="val_dokładność", display=False)
        Monitor(metric="val_poprawnosc", mode="max", display=False)


@pytest.mark.parametrize(
    ("metric", "mode", "says"),
    [
        ("val_loss", "max", 'mode="min"'),
        ("val_acc", "min", 'mode="max"'),
        (None, "max", 'mode="min"'),
    ],
)
def test_a_mode_against_the_metrics_name_is_warned_about(
    metric: str | None, mode: Mode, says: str
) -> None:
    """Sweep s42 (left alone): ``Monitor(mode="max")`` on the validation loss took its highest
    value for the best epoch in silence; restore_best() then put back the worst weights. The
    mode given stays (a warning, not a refusal); one that agrees with the name says nothing."""
    with pytest.warns(UserWarning, match=f"nngraph Monitor: mode=.* {says}") as got:
        mon = Monitor(metric=metric, mode=mode, display=False)
    assert mon.mode == mode and [w.filename for w in got] == [__file__]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Monitor(metric="val_loss", mode="min", display=False)
        Monitor(metric="val_acc", mode="max", display=False)
        # regression review s43 (6): a word more may turn a name around: the mode is meant
        Monitor(metric="val_loss_reduction", mode="max", display=False)
        Monitor(metric="val_acc_gap", mode="min", display=False)


@pytest.mark.parametrize(
    ("metric", "mode", "says"),
    [
        ("val_loss", "max", 'mode="min"'),
        ("val_acc", "min", 'mode="max"'),
        ("val_poprawnosc", "auto", 'mode="max"'),
    ],
)
def test_a_patience_whose_mode_goes_against_its_metrics_name_is_warned_about(
    metric: str, mode: Mode, says: str
) -> None:
    """Left alone in s44: ``Patience(5, mode="max")`` on the validation loss counted a rising
    loss as the improvement, in silence, and stopped a run whose loss kept falling. It warns
    as the Monitor does, at the user's line; the Monitor's own default Patience, made with
    the Monitor's mode, leaves that warning to the Monitor."""
    with pytest.warns(UserWarning, match=f"nngraph Patience: .* {says}") as got:
        patience = Patience(5, mode=mode, metric=metric)
    assert [w.filename for w in got] == [__file__] and patience.metric == metric
    with pytest.warns(UserWarning) as got:
        Monitor(metric=metric, mode=mode, display=False)
    assert [str(w.message).split(":")[0] for w in got] == ["nngraph Monitor"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Patience(5, metric="val_loss")
        Patience(5, metric="val_acc", mode="max")
        Patience(5, metric="val_poprawnosc", mode="max")


def test_making_a_monitor_keeps_pythons_memory_of_warnings_shown_once() -> None:
    """Regression review s45 (lightning, 2): the default Patience was made inside
    `warnings.catch_warnings()`, which resets every module's once-per-line memory: in a sweep
    making a Monitor per run, a warning at a fixed line showed again at every run."""

    def slip() -> None:
        warnings.warn("shown once", UserWarning, stacklevel=1)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for _ in range(3):
            slip()
            Monitor(display=False)
    assert [str(w.message) for w in caught] == ["shown once"]


def test_a_monitor_keeps_the_highest_map_as_its_best() -> None:
    mon = Monitor(metric="val_mAP", display=False, detectors=[])
    for t, v in enumerate([0.3, 0.6, 0.5], 1):
        mon.log(t, val_mAP=v)
    assert mon.mode == "max" and mon.best is not None and mon.best.value == 0.6


# ----------------------------------------------------------------------------- Prechelt on errors


@pytest.mark.parametrize(
    "make",
    [
        lambda m: GL(5, metric=m),
        lambda m: PQ(0.5, 2, metric=m),
        lambda m: UP(2, 1, metric=m),
    ],
    ids=["GL", "PQ", "UP"],
)
@pytest.mark.parametrize("metric", ["val_acc", "val_f1", "val_top5", "acc"])
def test_prechelt_criteria_refuse_a_higher_is_better_metric(make: object, metric: str) -> None:
    with pytest.raises(NNGraphError, match=r"Patience\(metric=.*mode='max'\)"):
        make(metric)  # type: ignore[operator]


def test_prechelt_refusal_is_translated() -> None:
    i18n.set_language("pl")
    try:
        with pytest.raises(NNGraphError, match="im więcej, tym lepiej"):
            GL(5, metric="val_acc")
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("metric", ["val_acc", "val_f1", "val_top5", "acc", "val_elbo"])
def test_divergence_refuses_a_higher_is_better_metric(metric: str) -> None:
    # a rising accuracy is not "blowing up": refused when made, as GL, PQ and UP refuse it
    with pytest.raises(NNGraphError, match=r"Divergence watches a loss.*metrics='val_loss'"):
        detectors.Divergence(factor=3, metrics=metric)
    with pytest.raises(NNGraphError, match=rf"Patience\(metric='{metric}', mode='max'\)"):
        detectors.Divergence(metrics=("loss", metric))
    i18n.set_language("pl")
    try:
        with pytest.raises(NNGraphError, match="im więcej, tym lepiej"):
            detectors.Divergence(metrics=metric)
    finally:
        i18n.set_language("en")


def test_an_accuracy_run_never_hears_that_training_blows_up() -> None:
    mon = Monitor(metric="val_acc", display=False)  # the classroom set: Divergence on losses
    for epoch, acc in enumerate([0.2, 0.4, 0.6, 0.7], 1):
        mon.log(epoch=epoch, loss=1 / epoch, val_acc=acc)
    assert not mon.events and not mon.should_stop


@pytest.mark.parametrize("mode", ["auto", "min", "max"])
@pytest.mark.parametrize("metric", [*HIGHER, *LOWER, "val_elbo", "neg_elbo", "val_goodness"])
def test_the_classroom_set_is_made_for_every_metric_and_mode(metric: str, mode: str) -> None:
    made = detectors.classroom(metric, mode)  # type: ignore[arg-type]
    assert made[0].kind == "divergence" and made[-1].kind == "plateau"
    assert [d.name for d in Monitor(metric=metric, mode=mode, display=False).detectors] == [  # type: ignore[arg-type]
        d.name for d in made
    ]


def test_prechelt_criteria_accept_errors_and_losses_by_other_names() -> None:
    for metric in ["val_loss", "val_error", "val_mse", "val_top1_error"]:
        assert GL(5, metric=metric).metric == metric
        assert UP(2, 1, metric=metric).metric == metric


# ----------------------------------------------------------------------------- metric names


@pytest.mark.parametrize(
    "make",
    [
        lambda: GL(metric=5),  # type: ignore[arg-type]
        lambda: GL(metric=""),
        lambda: Patience(metric=None),  # type: ignore[arg-type]
        lambda: Gap(metric=["val_loss"]),  # type: ignore[arg-type]
        lambda: PQ(train_metric=3),  # type: ignore[arg-type]
        lambda: UP(metric=b"val_loss"),  # type: ignore[arg-type]
    ],
)
def test_a_metric_that_is_not_a_name_is_a_clear_error(make: object) -> None:
    with pytest.raises(NNGraphError, match="metric's name"):
        make()  # type: ignore[operator]


# ----------------------------------------------------------------------------- default set


def test_the_default_detectors_watch_the_monitors_metric() -> None:
    mon = Monitor(metric="val_mse", display=False)
    assert [(d.name, d.metric) for d in mon.detectors[1:]] == [
        ("GL(5, metric='val_mse')", "val_mse"),
        ("Patience(20, metric='val_mse')", "val_mse"),
    ]
    assert mon.detectors[0].metrics == (*LOSS_NAMES, "val_mse")  # type: ignore[attr-defined]


def test_an_accuracy_only_run_gets_a_patience_stop_in_max_mode() -> None:
    mon = Monitor(metric="val_acc", display=False)
    assert [d.name for d in mon.detectors] == [
        "Divergence(factor=100)",
        "Patience(20, mode='max', metric='val_acc')",
    ]
    stopped_at = None
    for t in range(1, 61):
        mon.log(t, loss=1 / t, val_acc=min(0.9, 0.5 + t / 20) - max(0, t - 8) / 100)
        if mon.should_stop and stopped_at is None:
            stopped_at = t
    assert mon.best is not None and mon.best.epoch == 8
    assert stopped_at == 28 and mon.stop_event is not None
    assert mon.stop_event.detector == "Patience(20, mode='max', metric='val_acc')"


def test_an_explicit_max_mode_gets_the_max_set_and_min_mode_never_gets_gl() -> None:
    assert [d.name for d in detectors.classroom("val_goodness", "max")] == [
        "Divergence(factor=100)",
        "Patience(20, mode='max', metric='val_goodness')",
    ]
    names = [d.name for d in Monitor(metric="val_acc", mode="min", display=False).detectors]
    assert names == ["Divergence(factor=100)", "Patience(20, mode='min', metric='val_acc')"]


# ------------------------------------------------------- validation metrics by other names

OTHER_NAMES = [
    ("valid_loss", "loss"),
    ("valid_loss", "train_loss"),
    ("val/loss", "train/loss"),
    ("val/loss", "loss"),
    ("validation_loss", "training_loss"),
]


@pytest.mark.parametrize(("val", "train"), OTHER_NAMES)
def test_a_validation_metric_by_another_name_ends_epochs_and_pairs_with_its_training_twin(
    val: str, train: str
) -> None:
    mon = Monitor(metric=val, display=False, detectors=[Gap(0.5, patience=2, metric=val)])
    for epoch in range(1, 5):
        for _ in range(3):
            mon.log(**{train: 1 / epoch})  # per batch
        mon.log(**{val: 2.0 - epoch / 10})  # end of the epoch
    assert mon.epoch == 4 and mon.best is not None and mon.best.epoch == 4
    assert mon.pairs == {val: train}
    (event,) = mon.events
    assert event.epoch == 2 and event.message.startswith("validation loss (1.8) and training loss")


@pytest.mark.parametrize(("val", "train"), OTHER_NAMES)
def test_pq_finds_the_training_twin_of_a_validation_metric_by_another_name(
    val: str, train: str
) -> None:
    pq = PQ(0.1, k=2, metric=val)
    fired = [e for e in range(1, 30) if pq.update(e, **{train: 1 / e, val: 0.5 + abs(e - 5) / 10})]
    assert fired[:1] == [6]


HELD_OUT = ["eval_loss", "test_loss", "Val_Loss", "val-loss", "dev/loss"]
# the training loss falls, the held-out loss rises from epoch 3 (sweep s26/3, repro 1)
FALLS_WHILE_HELD_OUT_RISES = [(1.0, 1.0), (0.6, 0.8), (0.4, 0.9), (0.3, 0.95), (0.25, 1.0)]


@pytest.mark.parametrize("name", HELD_OUT)
def test_gl_reads_a_held_out_loss_named_outside_val_as_one_not_as_the_training_loss(
    name: str,
) -> None:
    """Sweep s26/3, finding 1: GL said "the loss on the training data itself is rising" of
    HuggingFace's eval_loss (and test_loss, Val_Loss, val-loss) chosen with metric=, even
    when told train_metric="loss", while the training loss fell."""
    told = GL(5, metric=name, train_metric="loss")
    chosen = Monitor(metric=name, detectors=[told], display=False)
    for mon in (Monitor(metric=name, display=False), chosen):
        for epoch, (train, held_out) in enumerate(FALLS_WHILE_HELD_OUT_RISES, 1):
            mon.log(epoch, loss=train, **{name: held_out})
        (event,) = [e for e in mon.events if e.detector.startswith("GL")]
        assert event.message_id == "gl.overfit", event.message
        assert "training loss is still falling (0.4 in the last epoch" in event.message


@pytest.mark.parametrize(
    ("name", "train"), [("eval_loss", "train_loss"), ("Val_Loss", "Train_Loss")]
)
def test_a_held_out_loss_pairs_with_its_training_loss_as_logged(name: str, train: str) -> None:
    pq = PQ(0.1, k=2, metric=name)
    fired = [e for e in range(1, 30) if pq.update(e, **{train: 1 / e, name: 0.5 + abs(e - 5) / 10})]
    assert fired[:1] == [6]


@pytest.mark.parametrize(
    "name", ["loss", "train_loss", "training/loss", "running_loss", "mse_train"]
)
def test_gl_on_a_training_loss_alone_still_reads_it_as_training(name: str) -> None:
    gl = GL(5, metric=name)
    for epoch, loss in enumerate([1.0, 0.5, 0.4, 0.6], 1):
        event = gl.update(epoch, **{name: loss})
    assert event is not None and event.message_id == "gl.training"


@pytest.mark.parametrize("language", ["en", "pl"])
def test_gl_on_a_noisy_training_loss_does_not_call_every_wobble_unstable(language: str) -> None:
    """Sweep s37: a training loss that keeps improving with ~5% noise from epoch to epoch, the
    only metric of a run without validation, was told "training has become unstable ... try a
    smaller learning rate" ten times in 100 epochs."""
    i18n.set_language(language)
    rng = random.Random(0)
    mon = Monitor(metric="loss", display=False)
    for epoch in range(1, 101):
        mon.log(epoch, loss=(math.exp(-epoch / 30) + 0.1) * (1 + 0.05 * rng.gauss(0, 1)))
    said = [e.message for e in mon.events if e.detector.startswith("GL")]
    assert said, "a rise of GL's size is still told"
    wobble = {"en": "can also rise this much and fall back", "pl": "też może tyle urosnąć"}
    assert all(wobble[language] in text for text in said)


@pytest.mark.parametrize("name", ["ppl", "mse", "perplexity"])
def test_gl_on_a_metric_named_for_no_data_does_not_say_the_training_loss_rose(name: str) -> None:
    """Sweep L: a validation perplexity logged as `ppl` rose while the training loss fell (the
    textbook overfitting), and GL said the training loss itself was rising (unstable training)."""
    mon = Monitor(metric=name, display=False)
    for epoch, (train, held_out) in enumerate(FALLS_WHILE_HELD_OUT_RISES, 1):
        mon.log(epoch, loss=train, **{name: held_out})
    (event,) = [e for e in mon.events if e.detector.startswith("GL")]
    assert event.message_id == "gl.unknown_data"
    assert "training data itself is rising" not in event.message
    assert f"val_{name}" in event.message and "train_metric" in event.message


def test_text_lines_pair_validation_metrics_by_other_names() -> None:
    line = TextPrinter().line(
        2, {"train/loss": 0.5, "val/loss": 0.6, "loss_x": 1.0, "valid_acc": 0.9, "acc": 0.8}
    )
    assert line == "epoch    2  train/loss 0.5 / val 0.6  loss_x 1  acc 0.8 / val 0.9"


# ----------------------------------------------------------------------------- names as logged

OVERFIT = [0.5 + ((epoch - 15) / 30) ** 2 for epoch in range(1, 61)]  # best at epoch 15


@pytest.mark.parametrize("name", ["val_loss", "valid_loss", "val/loss", "validation_loss"])
def test_the_default_metric_follows_the_validation_loss_as_logged(name: str) -> None:
    mon = Monitor(display=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is missing: no warning
        for epoch, value in enumerate(OVERFIT, start=1):
            mon.log(epoch, train_loss=1 / epoch, **{name: value})
            if mon.should_stop:
                break
        mon.close()
    assert mon.metric == name and mon.best is not None and mon.best.epoch == 15
    assert [(type(d).__name__, d.metric) for d in mon.detectors[1:]] == [
        ("GL", name),
        ("Patience", name),
    ]
    assert [(e.detector[:3], e.epoch) for e in mon.events] == [("GL(", 20), ("Pat", 35)]
    assert "validation loss" in mon.events[0].message


def test_a_chosen_metric_is_not_replaced_by_a_logged_alias() -> None:
    mon = Monitor(metric="val_loss", display=False)
    with pytest.warns(UserWarning, match="'val_loss' has not been.*did you mean 'valid_loss'"):
        for epoch in range(1, 4):
            mon.log(epoch, valid_loss=1 / epoch)
        mon.close()
    assert mon.metric == "val_loss" and mon.best is None


def test_a_watched_metric_logged_every_few_epochs_is_not_said_to_be_missing() -> None:
    mon = Monitor(metric="val_acc", detectors=[Patience(5, metric="val_f1")], display=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for epoch in range(1, 31):
            mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch)
            if epoch % 5 == 0:  # accuracy every 5th epoch, in a call of its own
                mon.log(epoch, val_acc=0.5 + epoch / 100)
            if epoch % 10 == 0:  # and an expensive one every 10th
                mon.log(epoch, val_f1=0.5)
        mon.close()
    assert mon.best is not None and mon.best.epoch == 30


def test_a_typo_in_the_watched_metric_is_said_after_the_first_epoch_without_close() -> None:
    """Sweep 19c §6: a slip of a logged name (val_accuracy for val_acc) waited for 10 epochs
    (a short run never heard of it); it is said as soon as epoch 1 has validated without it."""
    mon = Monitor(metric="val_accuracy", display=False)  # logs val_acc
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(1, 31):
            mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch, val_acc=0.5)
            if epoch == 1:
                assert caught == []  # epoch 1 may log it in a later call
            if epoch == 2:
                assert len(caught) == 1
    (warning,) = caught  # once
    text = str(warning.message)
    assert "'val_accuracy' has not been logged (logged: loss, val_loss, val_acc)" in text
    assert "did you mean 'val_acc'?" in text and "Monitor(metric='val_acc')" in text
    assert warning.filename == __file__  # the user's log() line


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_typo_in_a_detectors_metric_is_said_early_with_the_name_logged(language: str) -> None:
    mon = Monitor(detectors=[Patience(5, metric="val_accuracy")], display=False)
    i18n.set_language(language)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            mon.log(epoch=1, val_loss=1.0)
            mon.log(epoch=1, val_acc=0.5)  # several calls in one epoch: nothing yet
            assert caught == []
            mon.log(epoch=2, loss=0.5)  # epoch 1 is over
    finally:
        i18n.set_language("en")
    (warning,) = caught
    close = {"en": "did you mean 'val_acc'?", "pl": "czy chodziło o 'val_acc'?"}[language]
    assert close in str(warning.message) and "metric='val_acc'" in str(warning.message)


def ten_epochs_logging_val_acc(mon: Monitor) -> list[warnings.WarningMessage]:
    """The warnings of ten epochs that log loss, val_loss and val_acc, then `close()`."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(1, 11):
            mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch)
            mon.log(epoch, val_acc=0.5)
        mon.close()
    return caught


def test_a_watched_metric_never_logged_is_said_once_with_the_names_logged() -> None:
    mon = Monitor(metric="val_top5", detectors=[Patience(5, metric="val_f1")], display=False)
    caught = ten_epochs_logging_val_acc(mon)
    (warning,) = caught
    text = str(warning.message)
    assert "'val_top5' was never logged (logged: loss, val_loss, val_acc)" in text
    assert "Patience(5, mode='max', metric='val_f1') watches 'val_f1'" in text
    assert "did you mean" not in text  # no logged name is close to them
    assert warning.filename == __file__  # the user's log() line


def test_a_slip_is_said_early_and_the_other_missing_metrics_later_each_once() -> None:
    mon = Monitor(metric="val_accuracy", detectors=[Patience(5, metric="val_f1")], display=False)
    caught = ten_epochs_logging_val_acc(mon)
    early, late = (str(w.message) for w in caught)
    assert (
        "'val_accuracy'" in early and "did you mean 'val_acc'?" in early and "val_f1" not in early
    )
    assert "watches 'val_f1', which was never logged" in late and "val_accuracy" not in late


@pytest.mark.parametrize("train_name", [None, "tr_loss"])
def test_a_detector_that_needs_the_training_loss_says_once_that_it_never_came(
    train_name: str | None,
) -> None:
    mon = Monitor(detectors=[PQ(0.5, 2), Gap(0.1, patience=2), UP(2, 2)], display=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(1, 21):
            extra = {train_name: 1 / epoch} if train_name else {}
            mon.log(epoch, val_loss=1 + epoch / 10, **extra)
        mon.close()
    (warning,) = caught
    text = str(warning.message)
    assert "PQ(0.5, 2) compares 'val_loss' with the training metric" in text
    assert "Gap(0.1) compares 'val_loss'" in text and "UP" not in text  # UP needs no twin
    assert "'loss', 'train_loss'" in text and "train_metric='your_name'" in text
    assert [e.detector for e in mon.events] == ["UP(2, 2)"]


def test_a_detector_given_the_training_metric_by_name_reads_it_and_does_not_warn() -> None:
    mon = Monitor(detectors=[PQ(0.5, 2, train_metric="tr_loss")], display=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for epoch in range(1, 21):
            mon.log(epoch, tr_loss=1 / epoch, val_loss=1 + epoch / 10)
        mon.close()
    # it fires, which it cannot without a training loss (see the test above)
    assert [e.detector for e in mon.events][:1] == ["PQ(0.5, 2)"]


def test_a_training_only_run_or_one_validation_warns_only_when_something_is_missing() -> None:
    mon = Monitor(display=False)  # no validation at all: nothing is watched yet
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for step in range(1, 20):
            mon.log(step, loss=1 / step)
        mon.close()
    once = Monitor(display=False)  # one epoch: said at close()
    once.log(1, loss=1.0, val_mse=1.0)
    with pytest.warns(UserWarning, match="'val_loss' was never logged"):
        once.close()
    # sweep s44 browser (3): a logged name that turns the line right to left is shown escaped
    turned = Monitor(display=False)
    turned.log(1, loss=1.0, **{"val_\u202emse": 1.0})
    with pytest.warns(UserWarning, match=r"logged: loss, val_\\u202emse\)"):
        turned.close()


@pytest.mark.parametrize("name", ["loss", "train_loss", "train/loss", "valid_loss", "val/loss"])
def test_the_default_divergence_stops_at_a_nan_under_every_loss_name(name: str) -> None:
    mon = Monitor(display=False)
    for step in range(1, 51):
        mon.log(step, **{name: 1 / step if step < 10 else math.nan})
        if mon.should_stop:
            break
    assert step == 10 and mon.events[0].message_id == "divergence.nonfinite"
    # GL, when it watches that name, says the same divergence (sweep 22c §6)
    assert {e.message_id for e in mon.events[1:]} <= {"gl.nonfinite"}
    assert detectors.Divergence().update(1, training_loss=math.inf) is not None


def test_the_default_stops_a_loss_that_blows_up_without_overflowing() -> None:
    mon = Monitor(display=False)  # a learning rate far too high: finite, but 1e13 by epoch 10
    for epoch in range(1, 21):
        loss = 2.3 * 30.0 ** (epoch - 1)
        mon.log(epoch, loss=loss, val_loss=loss * 1.1)
        if mon.should_stop:
            break
    assert epoch == 3 and mon.events[-1].message_id == "divergence.factor"  # after GL's warning
    assert "times its first value" in mon.events[-1].message
    healthy = Monitor(display=False)  # a normal run never gets near 100x its first loss
    for epoch in range(1, 41):
        healthy.log(epoch, loss=2.3 / epoch, val_loss=0.5 + abs(epoch - 20) / 40)
    assert not any(e.kind == "divergence" for e in healthy.events)


# ----------------------------------------------------------------------------- blank names

BLANK = [" ", "\t", "", "val_", "train_"]


@pytest.mark.parametrize("name", BLANK, ids=repr)
@pytest.mark.parametrize(
    "make",
    [
        lambda name: Patience(metric=name),
        lambda name: GL(5, metric=name),
        lambda name: PQ(0.5, 5, metric=name),
        lambda name: UP(2, 5, metric=name),
        lambda name: Gap(metric=name),
        lambda name: Gap(train_metric=name or " "),  # "": no training twin, on purpose
    ],
    ids=["Patience", "GL", "PQ", "UP", "Gap", "Gap train_metric"],
)
def test_a_detector_made_directly_refuses_a_blank_name_as_the_monitor_does(
    make: object, name: str
) -> None:
    """Patience(metric=" ") was taken while Monitor(metric=" ") is refused (sweep O leftovers)."""
    with pytest.raises(NNGraphError, match=r"metric must be a metric's name such as 'val_loss'"):
        make(name)  # type: ignore[operator]
    with pytest.raises(NNGraphError, match="metric must be the name of a logged metric"):
        Monitor(metric=name or " ", display=False)


@pytest.mark.parametrize("metrics", [" ", ("loss", " "), ["val_"]], ids=repr)
def test_divergence_refuses_a_blank_name_among_its_metrics(metrics: object) -> None:
    says = r"metrics must be metric names, .* got " + re.escape(repr(metrics))
    with pytest.raises(NNGraphError, match=says):
        detectors.Divergence(metrics=metrics)  # type: ignore[arg-type]


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_detector_used_alone_says_when_it_is_given_its_metric_under_another_name(
    language: str,
) -> None:
    """Sweep s37: `GL(5).update(e, loss=..., valid_loss=...)` stayed silent for a whole
    textbook U-shaped run: it watches `val_loss` (a Monitor says so itself)."""
    i18n.set_language(language)
    gl = detectors.GL(5)
    with pytest.warns(UserWarning, match="valid_loss") as caught:
        for epoch in range(1, 41):
            gl.update(epoch, loss=1 / epoch, valid_loss=0.3 + abs(epoch - 10) / 20)
    said = [str(w.message) for w in caught if "GL(5)" in str(w.message)]
    assert len(said) == 1 and "GL(..., metric='valid_loss')" in said[0]
    with warnings.catch_warnings(record=True) as quiet:
        warnings.simplefilter("always")
        both = detectors.Patience(3, metric="val_acc")  # its metric in calls of its own
        for epoch in range(1, 6):
            both.update(epoch, val_loss=1 / epoch)
            both.update(epoch, val_acc=1 - 1 / epoch)
        training_only = detectors.GL(5)
        for epoch in range(1, 6):
            training_only.update(epoch, loss=1 / epoch)
    assert [str(w.message) for w in quiet] == []
    assert both.epoch == 5 and training_only.epoch == 0  # evaluations judged: val_acc's only


def test_a_detector_used_alone_waits_for_a_metric_logged_every_few_evaluations() -> None:
    gl = detectors.GL(5)
    curve = {5: 0.5, 10: 0.3, 15: 0.32, 20: 0.4, 25: 0.5, 30: 0.6}  # validated every 5th
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fired = [
            epoch
            for epoch in range(1, 31)  # val_acc each epoch, val_loss every 5th
            if gl.update(epoch, loss=1 / epoch, val_acc=1 - 1 / epoch, **(
                {"val_loss": curve[epoch]} if epoch in curve else {}
            )) is not None
        ]  # fmt: skip
    assert [str(w.message) for w in caught] == []  # no "it will never judge anything"
    assert gl.epoch == 6 and fired == [15]  # it judged each val_loss, and warned at the rise


def test_divergence_used_alone_is_not_told_to_watch_a_name_it_watches() -> None:
    """Sweep s38: Divergence() watches every loss name, `val_loss` among them, yet warned that
    a run logging `val_loss` only was one it "will never judge", then judged its blow-up."""
    divergence = detectors.Divergence()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fired = [
            epoch
            for epoch in range(1, 16)
            if divergence.update(epoch, val_loss=0.5 if epoch < 12 else 500.0) is not None
        ]
    assert [str(w.message) for w in caught] == []
    assert fired == [12]
    narrow = detectors.Divergence(metrics=("loss",))  # a name it is not given: still told
    with pytest.warns(UserWarning, match="val_loss"):
        for epoch in range(1, 16):
            narrow.update(epoch, val_loss=0.5)


@pytest.mark.parametrize(
    "made",
    [
        detectors.Patience(3, metric="val_acc", mode="min"),
        detectors.Patience(3, metric="val_acc"),
        detectors.Patience(3, metric="val_loss", mode="max"),
        detectors.Gap(0.2, metric="val_acc", mode="min"),
        detectors.Gap(metric="val_acc"),
    ],
    ids=repr,
)
def test_a_detectors_name_makes_the_same_detector_again(
    made: detectors.Patience | detectors.Gap,
) -> None:
    """Sweep s40 (helper curves): `Patience(3, metric='val_acc', mode='min')` was named without
    its mode, and the name made again a detector that watches the other way."""
    again = eval(made.name, vars(detectors))
    assert again == made and again.mode == made.mode


@pytest.mark.parametrize("name", ["val_loss", "eval_loss", "dev_loss"])
def test_a_held_out_loss_named_as_huggingface_names_it_is_followed_and_paired(name: str) -> None:
    """Sweep s44 readme (1, 4): a default Monitor followed `valid_loss` and `Loss/val` but not
    `eval_loss` or `dev_loss` (no best epoch, no stop, a "did you mean" warning), and Patience
    on them read no training loss, so a textbook overfit got the neutral stop text."""
    mon = Monitor(display=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for epoch in range(1, 40):
            mon.log(epoch, loss=1 / epoch, **{name: 0.5 + abs(epoch - 8) / 20})
            if mon.should_stop:
                break
    assert mon.metric == name and mon.best is not None and mon.best.epoch == 8
    assert mon.events[-1].message_id == "patience.memorising"
