"""Polskie komunikaty. Klucze jak w `en.py`; `{pola}` wypełnia `message()`."""

MESSAGES: dict[str, str] = {
    # i18n
    "i18n.unknown_language": "nieznany język {got!r}: wybierz jeden z {known}",
    # capture
    "capture.needs_tensor": (
        "{call} potrzebuje tensora torch.Tensor (albo krotki/listy/słownika tensorów), a dostało "
        "{got}: przekaż wynik obliczenia, np. {call}(loss)"
    ),
    "capture.no_history": (
        "ten tensor nie ma historii autograd, więc nie ma grafu: czy został policzony w "
        "torch.no_grad() albo odłączony przez .detach()? Policz go z włączonymi gradientami "
        "albo użyj ng.record(), żeby zobaczyć operacje bez śledzenia gradientów."
    ),
    "capture.bad_params": (
        "params musi być modelem nn.Module, słownikiem {{nazwa: tensor}} albo parami "
        "(nazwa, tensor), a nie {got}; np. graph_of(loss, params=model)"
    ),
    "capture.graph_not_ready": "rec.graph jest gotowy po zakończeniu bloku `with ng.record() as rec:`",
    "capture.not_a_module": (
        "{call} potrzebuje modelu torch.nn.Module, a dostało {got}; dla zwykłych obliczeń na "
        "tensorach użyj `with ng.record() as rec:` albo ng.graph_of(y)"
    ),
    "capture.loss_not_callable": (
        "loss musi być funkcją wyjścia modelu zwracającą skalarny tensor, "
        "np. loss=lambda y: torch.nn.functional.mse_loss(y, target)"
    ),
    "capture.loss_not_scalar": (
        "loss(output) musi zwrócić tensor z jednym elementem (skalarną stratę), a zwróciło {got}"
    ),
    "capture.loss_no_history": (
        "strata nie ma historii autograd: czy model ma parametry z requires_grad i czy strata "
        "korzysta z wyjścia modelu?"
    ),
    "capture.stopped": (
        "nngraph przestał nagrywać przy `{op}` ({error}); graf jest niepełny, "
        "twoje obliczenia nie zostały zmienione"
    ),
    # datasets
    "datasets.needs_sklearn": (
        "ten zbiór danych wymaga scikit-learn: pip install scikit-learn (albo nngraph[demos])"
    ),
    "datasets.bad_split": "split musi składać się z trzech ułamków o sumie 1, a jest {got}",
    # magics
    "magic.help": (
        "nngraph w jednej linijce.\n\n"
        "  %nngraph WYRAŻENIE            graf autograd tensora (tensorów) z WYRAŻENIA\n"
        "  %%nngraph [opcje]             nagraj całą komórkę (w przód i wstecz) i pokaż graf\n"
        "      --depth N                 otwórz moduły do głębokości N\n"
        "      --view forward|backward   które przejście narysować\n"
        "      --color-by grad|value|none  koloruj węzły wielkością gradientu lub wartości\n"
        "      --model MODEL             nazywaj moduły względem MODELU\n"
        "      -o NAZWA                  zapamiętaj graf w zmiennej NAZWA\n"
        "      -q                        nic nie pokazuj\n"
        "  %nngraph monitor [--model M] [--metric val_loss] [-o mon]   uruchom monitor treningu\n"
        "  %nngraph watch MODEL [-o watch]   zapisuj normy gradientów warstw w każdym kroku\n"
        "  %nngraph lang en|pl           zmień język nngraph"
    ),
    "magic.usage": (
        "użycie: %nngraph WYRAŻENIE | %%nngraph [--depth N] [--view forward|backward] [-o NAZWA] "
        "[-q] | %nngraph monitor | %nngraph watch MODEL | %nngraph lang en|pl (pomoc: %nngraph?)"
    ),
    "magic.bad_arguments": "%nngraph: {error} (pomoc: %nngraph?)",
    "magic.cannot_evaluate": "%nngraph: nie da się obliczyć {expression!r}: {error}",
    "magic.nothing_recorded": "%%nngraph: komórka nie wykonała żadnej operacji PyTorch, więc nie ma grafu",
    "magic.created": "{name} = {what}",
    # lossview: podgląd krzywych uczenia (nngraph.widgets.LossView)
    "lossview.stop": "Zatrzymaj",
    "lossview.stopping": "Zatrzymywanie…",
    "lossview.stopped": "Zatrzymano",
    "lossview.stop_hint": "Poproś pętlę treningową o zatrzymanie: zobaczy mon.should_stop == True",
    "lossview.stop_event": "zatrzymano przyciskiem Zatrzymaj w epoce {epoch}",
    "lossview.log_scale": "skala logarytmiczna",
    "lossview.smoothing": "wygładzanie",
    "lossview.step": "krok {step}",
    "lossview.epoch": "epoka {epoch}",
    "lossview.epoch_of": "epoka {epoch}/{total}",
    "lossview.rate": "{rate} epok/s",
    "lossview.seconds_per_epoch": "{seconds} s/epokę",
    "lossview.eta": "zostało ok. {eta}",
    "lossview.waiting": "czekam na pierwsze mon.log(...)",
    "lossview.best": "najlepsza epoka {epoch}: {metric} = {value}",
    "lossview.event": "epoka {epoch} · {detector}\n{message}",
    "lossview.gradients": "norma gradientu w każdej warstwie",
    "lossview.axis_step": "krok",
    "lossview.run": "przebieg",
    "lossview.epochs": "epoki",
    "lossview.best_epoch": "najlepsza epoka",
    "lossview.stop_column": "zatrzymanie",
    "lossview.none": "-",
    "lossview.plain": "nngraph, krzywe uczenia: {metrics}",
    "monitor.stop_requested": "poproszono o zatrzymanie w epoce {epoch}",
}
