"""Metric names: which name is a validation metric and which its training twin (``val_loss``
and ``loss``), whether lower or higher is better (``mode="auto"``), and what a sentence calls it.

Only names are read here, never values: ``val_loss``, ``valid/loss``, ``validation_loss`` and
``loss_val`` are the same metric to every part of the monitor (and to the loss view,
``js/src/loss/store.js``).

    >>> is_validation("val/loss"), train_twin("valid_loss", ["train_loss"]), resolve_mode("auto", "val_acc")
    (True, 'train_loss', 'max')
    >>> nice_name("val_loss")
    'validation loss'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Container, Iterable
from typing import Literal

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._common import is_choice

__all__ = [
    "LOSS_NAMES",
    "MODE_WARNING",
    "Mode",
    "held_out_base",
    "held_out_twins",
    "is_metric_name",
    "is_validation",
    "mode_against_name",
    "mode_known",
    "mode_warning",
    "named_as_training",
    "nice_name",
    "resolve_mode",
    "train_twin",
    "train_twins",
    "training_base",
    "validation_base",
]

#: Name prefixes of a validation and a training metric (Lightning's ``val/acc`` too).
VAL_PREFIXES = ("val_", "val/", "valid_", "valid/", "validation_", "validation/")
TRAIN_PREFIXES = ("train_", "train/", "training_", "training/")
#: ... and suffixes, in any case, after the name of a loss or a usual metric (``loss_val``,
#: TensorBoard's ``Loss/train`` and ``Loss/val``; not ``q_val`` or ``max_val``, values).
VAL_SUFFIXES = ("_val", "/val", "_valid", "/valid", "_validation", "/validation")
TRAIN_SUFFIXES = ("_train", "/train", "_training", "/training")
SUFFIXED = frozenset(
    {
        "loss", "acc", "accuracy", "error", "err", "mse", "mae", "rmse", "nll", "ppl",
        "perplexity", "f1", "auc", "iou", "dice", "precision", "recall", "top1", "top5",
        "bleu", "psnr", "ssim", "r2", "kl", "ce", "bce", "map",
    }
)  # fmt: skip
#: Every name of the loss the monitor recognises: training (``loss``, ``train_loss``,
#: ``train/loss``, ...) then validation (``val_loss``, ``valid_loss``, ``val/loss``, ...).
LOSS_NAMES = ("loss", *(p + "loss" for p in TRAIN_PREFIXES), *(p + "loss" for p in VAL_PREFIXES))

#: Metrics with their own name in a sentence (``monitor.name.<metric>`` in the catalog).
_NAMED = frozenset({"loss", "acc", "accuracy", "val_loss", "val_acc", "val_accuracy"})
#: Words in a metric's name that mean "higher is better" (Keras's ``mode="auto"``, extended):
#: classification, ranking and retrieval (``recall@10``, ``hit_at_5``), agreement and
#: correlation, clustering, overlap, similarity, generation, signal quality, reinforcement
#: learning.
_HIGHER_IS_BETTER = frozenset(
    {
        "acc", "accuracy", "bacc", "auc", "auroc", "rocauc", "auprc", "aupr", "prauc", "ap",
        "precision", "recall", "sensitivity", "specificity", "tpr", "tnr", "ppv", "npv",
        "score", "f1", "f2", "f1score", "fscore", "fbeta", "mcc", "kappa", "em", "exact",
        "hit", "hits", "hitrate", "ndcg", "dcg", "mrr", "map",
        "r2", "rsquared", "corr", "correlation", "pearson", "pearsonr", "spearman",
        "spearmanr", "kendall", "ccc",
        "iou", "miou", "jaccard", "dice", "pck",
        "similarity", "sim", "cossim",
        "prec", "fmeasure", "dsc", "explained", "nmi", "ami", "ari", "purity",
        "bleu", "sacrebleu", "rouge", "rougel", "rougelsum", "meteor", "chrf", "cider",
        "bertscore",
        "psnr", "ssim", "msssim", "snr", "sdr", "sisdr", "sisnr", "pesq", "stoi",
        "reward", "rewards", "return", "returns", "success", "win",
        # Polish, written without its letters' marks (see _PLAIN)
        "dokladnosc", "trafnosc", "precyzja", "czulosc", "swoistosc", "nagroda",
    }
)  # fmt: skip
#: Words that mean "lower is better"; they win over the words above (``val_top1_error``,
#: ``brier_score``, ``fid_score``).
_LOWER_IS_BETTER = frozenset(
    {
        "loss", "error", "err", "mae", "mse", "rmse", "mape", "smape", "nll", "perplexity",
        "ppl", "cer", "wer", "eer", "ece", "brier", "fid", "kid", "lpips", "distance", "dist",
        "cost", "ce", "bce", "crossentropy", "entropy", "xent", "kl", "kld", "logloss",
        "huber", "hinge", "focal", "l1", "l2", "regret", "divergence", "msle", "rmsle", "nmse",
        "sse", "bpd", "bpc", "chamfer", "emd", "hausdorff",
        # Polish: loss, error, cost, distance, entropy (a loss's, an error's: straty, błędu)
        "strata", "straty", "blad", "bledu", "bledy", "koszt", "kosztu", "odleglosc", "entropia",
    }
)  # fmt: skip
#: Words that mean "lower is better" only when no word above says "higher": what a loss
#: measures rather than a loss itself (``val_recon`` and ``val_hamming`` are losses, but
#: ``val_recon_psnr`` and ``val_hamming_score`` are scores).
_LOWER_UNLESS_HIGHER = frozenset({"recon", "reconstruction", "hamming"})
#: Polish letters without their marks: `dokładność` is read as `dokladnosc`.
_PLAIN = str.maketrans("ąćęłńóśźż", "acelnoszz")
#: A likelihood or an evidence lower bound: higher is better, unless the name negates it.
_LIKELIHOOD = frozenset({"likelihood", "loglikelihood", "loglik", "elbo"})
_NEGATED = frozenset({"neg", "negative"})
#: Words of a probability, which a negation makes a loss (``neg_log_prob``).
_PROBABILITY = frozenset({"prob", "probs", "probability", "lik", "density", "p", "logp", "logprob"})
_TOP_K = re.compile(r"top(\d+|k)")  # top1, top5, topk (accuracy)

Mode = Literal["min", "max", "auto"]
#: How the Monitor's warning of :func:`mode_against_name` starts, in every language: the
#: callback and the magic silence it where they give it in their own place or words.
MODE_WARNING = r'nngraph Monitor: mode="'


def resolve_mode(mode: object, metric: object) -> Literal["min", "max"]:
    """``"min"`` or ``"max"``; ``"auto"`` reads the words of the metric's name (case ignored,
    split at ``_``, ``/``, ``-``, ``@``, ...; a trailing number ignored, so ``rouge1`` is
    ``rouge``):

    - ``"min"`` when a word means lower is better: loss, error, err, mae, mse, rmse, mape,
      smape, nll, perplexity, ppl, cer, wer, eer, ece, brier, fid, kid, lpips, distance, dist,
      cost, ce, bce, crossentropy, entropy, xent, kl, kld, logloss, huber, hinge, focal, l1,
      l2, regret, divergence, msle, rmsle, nmse, sse, bpd, bpc, chamfer, emd, hausdorff
      (``val_loss``, ``val_top1_error``, ``dice_loss``, ``brier_score``, ``fid_score``,
      ``val_cross_entropy``);
    - also ``"min"`` for a likelihood negated by the word neg or negative (``neg_elbo``,
      ``negative_log_likelihood``); but ``"max"`` for scikit-learn's negated errors
      (``neg_mean_squared_error``, ``neg_log_loss``: see :func:`_negated_error`);
    - else ``"max"`` when a word means higher is better: an accuracy, score or rate of hits
      (acc, accuracy, bacc, auc, auroc, ap, map, precision, recall, sensitivity, specificity,
      f1, fscore, mcc, kappa, em, exact, top1/top5/topk, ...), a ranking (hit, hits, ndcg,
      mrr: ``recall@10``, ``hit_at_5``), a correlation (r2, corr, pearson, spearman), an
      overlap or similarity (iou, dice, jaccard, similarity, sim), a text or signal quality
      (bleu, rouge, meteor, psnr, ssim, snr), a reward (reward, return, success, win), or a
      likelihood: likelihood, loglikelihood, loglik, elbo (``val_log_likelihood``,
      ``val_elbo``); the full list is ``_HIGHER_IS_BETTER``;
    - else ``"min"`` for what a loss measures: recon, reconstruction, hamming (``val_recon``,
      ``val_hamming``; but ``val_recon_psnr`` and ``val_hamming_score`` are ``"max"``);
    - else ``"min"`` (a loss or an error by another name; :func:`mode_known` says whether a
      word was found). Polish words count too, with or without their marks: dokładność,
      trafność, precyzja, czułość, swoistość, nagroda are higher-is-better, strata, błąd,
      koszt, odległość, entropia (and straty, błędu, kosztu) lower-is-better.

    >>> from nngraph.monitor._names import resolve_mode
    >>> resolve_mode("auto", "val_acc"), resolve_mode("auto", "val_loss"), resolve_mode("min", "acc")
    ('max', 'min', 'min')
    >>> resolve_mode("auto", "val_mAP"), resolve_mode("auto", "top5"), resolve_mode("auto", "val_top1_err")
    ('max', 'max', 'min')
    >>> resolve_mode("auto", "val_log_likelihood"), resolve_mode("auto", "neg_elbo")
    ('max', 'min')
    >>> resolve_mode("auto", "val_ndcg@10"), resolve_mode("auto", "reward"), resolve_mode("auto", "fid_score")
    ('max', 'max', 'min')
    >>> resolve_mode("auto", "val_dokładność"), resolve_mode("auto", "trafnosc"), resolve_mode("auto", "błąd")
    ('max', 'max', 'min')
    """
    if not is_choice(mode, ("min", "max", "auto")):  # an array's == would answer elementwise
        raise NNGraphError(message("monitor.error.mode", value=mode))
    if mode == "min" or mode == "max":
        return mode
    return _mode_of_name(metric) or "min"


def mode_known(metric: object) -> bool:
    """Whether ``mode="auto"`` finds a word in the metric's name that says which way is better
    (see :func:`resolve_mode`); else it takes the metric for a loss.

    >>> mode_known("val_acc"), mode_known("val_loss"), mode_known("val_poprawnosc")
    (True, True, False)
    """
    return _mode_of_name(metric) is not None


def mode_against_name(mode: object, metric: object) -> Literal["min", "max"] | None:
    """The way the metric's name says is better, where a ``mode`` given as ``"min"`` or
    ``"max"`` says the other (``mode="max"`` on ``val_loss``: the best epoch would be the one
    where the loss was highest); ``None`` where they agree, the name says neither way, or the
    mode is ``"auto"``. Only for a name of one word besides its validation or training mark
    (``val_loss``, ``train/acc``, ``mse``): in a longer one a word may turn it around, so a
    mode given is taken as meant (``val_loss_reduction`` with ``mode="max"``).

    >>> mode_against_name("max", "val_loss"), mode_against_name("min", "val_acc")
    ('min', 'max')
    >>> mode_against_name("min", "val_loss"), mode_against_name("max", "val_poprawnosc")
    (None, None)
    >>> mode_against_name("max", "val_loss_reduction"), mode_against_name("min", "val_acc_gap")
    (None, None)
    >>> mode_against_name("max", "eval_loss"), mode_against_name("max", "Val-Loss")
    ('min', 'min')
    >>> mode_against_name("max", "Train_Loss"), mode_against_name("max", "training-loss")
    ('min', 'min')
    """
    if mode not in ("min", "max") or not isinstance(metric, str):
        return None
    plain = re.sub(r"[-\s]", "_", metric.lower())  # Train_Loss, train-loss: as train_loss
    base = validation_base(metric) or held_out_base(metric) or training_base(plain) or metric
    if len([w for w in re.split(r"[\W_]+", base) if w]) != 1:
        return None
    way = _mode_of_name(metric)
    return way if way is not None and way != mode else None


def mode_warning(mode: object, metric: str, words: str = "monitor.warn.") -> str | None:
    """The warning for ``mode`` on ``metric``, in the words of the catalog keys that start with
    ``words`` (``"magic.monitor_"`` for the magic's ``--mode``): its name says neither way
    (``mode="auto"``, see :func:`mode_known`) or the other way (see :func:`mode_against_name`);
    None where there is nothing to say.

    >>> mode_warning("max", "val_loss")[:33], mode_warning("auto", "val_loss")
    ('nngraph Monitor: mode="max" makes', None)
    """
    if mode == "auto" and not mode_known(metric):  # `val_poprawnosc`: a loss, or not?
        return message(f"{words}mode_unknown", metric=metric)
    way = mode_against_name(mode, metric)  # mode="max" on val_loss: a slip, most likely
    return None if way is None else message(f"{words}mode_against_name.{way}", metric=metric)


def _mode_of_name(metric: object) -> Literal["min", "max"] | None:
    words = [w for w in re.split(r"[\W_]+", str(metric).lower().translate(_PLAIN)) if w]
    stems = {w for word in words for w in (word, word.rstrip("0123456789"))}
    if stems & _NEGATED and stems & _LIKELIHOOD:
        return "min"
    if _negated_error(words):
        return "max"
    if stems & _LOWER_IS_BETTER:
        return "min"
    higher = _HIGHER_IS_BETTER | _LIKELIHOOD
    if stems & higher or any(_TOP_K.fullmatch(word) for word in words):
        return "max"
    return "min" if stems & _LOWER_UNLESS_HIGHER else None


def _negated_error(words: list[str]) -> bool:
    """Whether the name is scikit-learn's negation of an error or a loss, a score where higher
    is better: neg or negative, then two words or more, one of them an error or a loss and
    none a probability (``neg_mean_squared_error``, ``neg_log_loss``, ``neg_brier_score``;
    not ``neg_loss``, a loss on negative samples, nor ``neg_log_prob``).

        >>> _negated_error(["neg", "log", "loss"]), _negated_error(["neg", "log", "prob"])
        (True, False)
    """
    for at, word in enumerate(words):
        if word in _NEGATED:
            rest = set(words[at + 1 :])
            return len(words) - at > 2 and bool(rest & _LOWER_IS_BETTER) and not rest & _PROBABILITY
    return False


def is_metric_name(name: object) -> bool:
    """True for a string that can name a metric: not empty or blank, and not a bare prefix
    such as ``val_`` (a curve, a CSV column and a sentence need a name to show).

    >>> is_metric_name("val_loss"), is_metric_name(""), is_metric_name(" "), is_metric_name("val_")
    (True, False, False, False)
    """
    return (
        isinstance(name, str)
        and bool(name.strip())
        and name not in (*VAL_PREFIXES, *TRAIN_PREFIXES)
    )


def _unmarked(metric: str, prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> str | None:
    for prefix in prefixes:
        if metric.startswith(prefix) and len(metric) > len(prefix):
            return metric[len(prefix) :]
    lower = metric.lower()
    for suffix in suffixes:
        if lower.endswith(suffix) and lower[: -len(suffix)] in SUFFIXED:
            return metric[: -len(suffix)]
    return None


def validation_base(metric: str) -> str | None:
    """The name without its validation prefix (``val_``, ``valid_``, ``validation_``, or with
    ``/``) or suffix after a loss or metric name (``loss_val``, ``acc/val``: see
    :data:`SUFFIXED`), ``None`` for a name without one.

    >>> validation_base("val_loss"), validation_base("valid_acc"), validation_base("val/loss")
    ('loss', 'acc', 'loss')
    >>> validation_base("loss_val"), validation_base("Loss/val"), validation_base("q_val")
    ('loss', 'Loss', None)
    """
    return _unmarked(metric, VAL_PREFIXES, VAL_SUFFIXES)


def training_base(metric: str) -> str | None:
    """The name without its training prefix (``train_``, ``training_``, or with ``/``) or
    suffix (``_train``, ``/train``, ...), else ``None``.

    >>> training_base("train/loss"), training_base("Loss/train"), training_base("loss")
    ('loss', 'Loss', None)
    """
    return _unmarked(metric, TRAIN_PREFIXES, TRAIN_SUFFIXES)


def named_as_training(metric: str) -> bool:
    """Whether a metric's name says it is measured on the training data: a loss named without
    a held-out prefix (``loss``, ``running_loss``: what a training loop logs its loss as), or a
    name with a training prefix or suffix (``Train-MSE``, ``acc_train``). ``ppl`` or ``mse``
    alone say neither.

    >>> [named_as_training(m) for m in ("loss", "avg_loss", "Train-MSE", "acc_train")]
    [True, True, True, True]
    >>> [named_as_training(m) for m in ("ppl", "mse", "val_loss", "test_loss")]
    [False, False, False, False]
    """
    if is_validation(metric) or held_out_twins(metric):  # `test_loss` too
        return False
    plain = metric.lower().replace("-", "_")
    suffixed = plain.endswith(("_train", "/train", "_training", "/training"))
    return "loss" in plain or suffixed or training_base(plain) is not None


#: A metric measured on held-out data, named with a prefix, a separator and its base name,
#: that :func:`validation_base` does not read as a validation one: HuggingFace's
#: ``eval_loss``, ``test_loss``, ``dev_loss``, and the validation prefixes in another case or
#: with a hyphen (``Val_Loss``, ``val-loss``).
_HELD_OUT = re.compile(r"(val|valid|validation|eval|evaluation|test|dev)([_/-])(.+)", re.I)


def held_out_twins(metric: str) -> tuple[str, ...]:
    """The names the training twin of a held-out metric may be logged under, for a name that
    :data:`_HELD_OUT` matches (its prefix in any case): as written, then in lower case. A
    name it does not match gets none.

        >>> held_out_twins("eval_loss"), held_out_twins("val-loss")
        (('loss', 'train_loss'), ('loss', 'train-loss'))
        >>> held_out_twins("Val_Loss"), held_out_twins("train_loss"), held_out_twins("evalloss")
        (('Loss', 'Train_Loss', 'loss', 'train_loss'), (), ())
    """
    match = _HELD_OUT.fullmatch(metric)
    if match is None:
        return ()
    prefix, separator, base = match.groups()
    train = "TRAIN" if prefix.isupper() else "train" if prefix.islower() else "Train"
    lower = base.lower()
    names = (base, train + separator + base, lower, "train" + separator + lower)
    return tuple(dict.fromkeys(names))


@functools.lru_cache(maxsize=1024)  # called for each metric of each log(); names are few
def is_validation(metric: str) -> bool:
    """True for a metric measured on held-out data during training: a validation metric
    (``val_loss``, ``valid_loss``, ``val/acc``, ...), or one the detectors read as held out
    (see :func:`held_out_twins`): HuggingFace's ``eval_loss``, ``dev_loss``, and the validation
    prefixes in another case or with a hyphen (``Val_Loss``, ``val-loss``). Such a metric ends
    an epoch, as ``val_loss`` does, and the loss view draws it over its training twin; only
    the names with a validation prefix (:func:`validation_base`) are paired with one in the
    text lines. A test metric (``test_loss``, ``test_acc``) is none: it is mostly logged once, after
    training, and must not end an epoch of its own (nor make the epochs before it one).

    >>> is_validation("validation_loss"), is_validation("eval_loss"), is_validation("test_acc")
    (True, True, False)
    """
    return validation_base(metric) is not None or held_out_base(metric) is not None


def held_out_base(metric: str) -> str | None:
    """The name after another held-out prefix than a validation one, where it ends an epoch
    (``eval_loss``, ``dev/acc``, ``Val-Loss`` -> ``loss``, ``acc``, ``Loss``), else None: the
    loss view draws it over its training twin, as ``val_loss`` over ``loss``. A test metric
    gets none (see :func:`is_validation`).

        >>> held_out_base("eval_loss"), held_out_base("test_loss"), held_out_base("val_loss")
        ('loss', None, 'loss')
    """
    match = _HELD_OUT.fullmatch(metric)
    return match.group(3) if match is not None and match.group(1).lower() != "test" else None


def train_twins(metric: str) -> tuple[str, ...]:
    """The names a validation metric's training twin may have, the usual one first.

    >>> train_twins("val/loss")
    ('loss', 'train_loss', 'train/loss', 'training_loss', 'training/loss', 'loss_train', ...)
    >>> train_twins("Loss/val")[:2]
    ('Loss', 'Loss/train')
    """
    base = validation_base(metric)
    if base is None:
        return ()
    prefixed = [prefix + base for prefix in TRAIN_PREFIXES]
    suffixed = [base + suffix for suffix in TRAIN_SUFFIXES]
    if _unmarked(metric, VAL_PREFIXES, ()) is None:  # `loss_val`: `loss_train`, as written
        separator = metric[len(base)]
        suffixed.sort(key=lambda name: name[len(base)] != separator)
        return (base, *suffixed, *prefixed)
    return (base, *prefixed, *suffixed)


def train_twin(metric: str, logged: Iterable[str] | None = None) -> str | None:
    """The training metric paired with a validation metric: the first of :func:`train_twins`
    that is in ``logged`` (without ``logged``: the usual name, ``val_loss`` -> ``loss``).

    >>> train_twin("val_acc"), train_twin("loss"), train_twin("valid_loss", ["train_loss"])
    ('acc', None, 'train_loss')
    """
    twins = train_twins(metric)
    if logged is None:
        return twins[0] if twins else None
    names = logged if isinstance(logged, Container) else set(logged)
    return next((name for name in twins if name in names), None)


def nice_name(metric: str) -> str:
    """How a metric is called in a sentence: ``val_loss`` -> ``validation loss``. Lightning's
    ``_epoch`` suffix (the epoch's mean of a metric also logged per step) is not read out.

    >>> nice_name("val_loss"), nice_name("acc"), nice_name("val_f1"), nice_name("valid/loss")
    ('validation loss', 'training accuracy', 'validation f1', 'validation loss')
    >>> nice_name("val_loss_epoch"), nice_name("loss_epoch")
    ('validation loss', 'training loss')
    """
    metric = metric.removesuffix("_epoch") or metric
    base = validation_base(metric)
    named = ("val_" + base) if base is not None else (training_base(metric) or metric)
    if named in _NAMED:
        return message("monitor.name." + named)
    if base is not None:
        return message("monitor.name.val", name=base.replace("_", " "))
    return message("monitor.name.other", name=metric.replace("_", " "))
