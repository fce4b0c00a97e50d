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
    # monitor: błędy i ostrzeżenia
    "monitor.error.positive": "{what} musi być liczbą dodatnią, otrzymano {value!r}",
    "monitor.error.positive_int": "{what} musi być dodatnią liczbą całkowitą, otrzymano {value!r}",
    "monitor.error.nonnegative": "{what} musi być zerem albo liczbą dodatnią, otrzymano {value!r}",
    "monitor.error.mode": "mode musi być 'min' albo 'max', otrzymano {value!r}",
    "monitor.error.display": (
        "display musi być 'auto', 'text', 'widget' albo False, otrzymano {value!r}"
    ),
    "monitor.error.detectors": (
        "detectors muszą być obiektami Detector (zobacz nngraph.detectors), otrzymano {got!r}"
    ),
    "monitor.error.no_metrics": (
        "log() potrzebuje co najmniej jednej metryki, np. mon.log(epoch, loss=0.5)"
    ),
    "monitor.error.metric_type": (
        "{name}={value!r} nie jest liczbą: log() przyjmuje liczby (float, int) albo tensory "
        "z jednym elementem, np. mon.log(epoch, loss=loss.item())"
    ),
    "monitor.error.tensor_size": (
        "{name} to tensor z {numel} elementami: zapisuj jedną liczbę na metrykę, "
        "np. {name}=t.mean()"
    ),
    "monitor.error.step": (
        "krok musi być skończoną liczbą (numerem epoki albo partii danych), otrzymano {step!r}"
    ),
    "monitor.error.not_logged": "nie zapisano jeszcze metryki {metric!r}; zapisane: {logged}",
    "monitor.error.no_best": (
        "nie ma najlepszych wag do przywrócenia: {why}. Przekaż Monitor(model=model) i zapisuj "
        "{metric} przez log()"
    ),
    "monitor.why.no_model": "Monitor utworzono bez model=",
    "monitor.why.no_metric": "nie zapisano jeszcze {metric}",
    "monitor.error.not_module": "{what} potrzebuje modelu torch.nn.Module, otrzymano {type_name}",
    "monitor.error.listener": "add_listener() potrzebuje funkcji, otrzymano {got!r}",
    "monitor.error.capacity": "pojemność Series musi wynosić co najmniej {minimum} punktów",
    "monitor.warn.listener": (
        "nngraph: słuchacz monitora zgłosił błąd ({exc}), więc został odłączony"
    ),
    "monitor.warn.view": "nngraph: widok na żywo jest niedostępny ({exc}); wypisuję tekst",
    "monitor.param.pq_k": "długość odcinka k w PQ",
    "monitor.param.up_s": "s w UP (liczba kolejnych odcinków)",
    "monitor.param.up_k": "długość odcinka k w UP",
    "monitor.distributed.not_initialized": (
        "Monitor(distributed=True) wymaga wcześniejszego wywołania "
        "torch.distributed.init_process_group() (albo użyj distributed='auto')"
    ),
    "monitor.distributed.value": (
        "distributed musi być True, False albo 'auto', otrzymano {value!r}"
    ),
    "monitor.lightning.missing": (
        "nngraph.integrations.lightning wymaga PyTorch Lightning: pip install nngraph[lightning]"
    ),
    # monitor: nazwy metryk i jednostki w zdaniach (nazwy są rodzaju żeńskiego, jak "strata")
    "monitor.name.loss": "strata treningowa",
    "monitor.name.acc": "dokładność treningowa",
    "monitor.name.accuracy": "dokładność treningowa",
    "monitor.name.val_loss": "strata walidacyjna",
    "monitor.name.val_acc": "dokładność walidacyjna",
    "monitor.name.val_accuracy": "dokładność walidacyjna",
    "monitor.name.val": "miara walidacyjna {name}",
    "monitor.name.other": "miara {name}",
    # biernik, jak po "przez": przez 1 epokę, 3 epoki, 12 epok
    "monitor.unit.epoch.one": "{n} epokę",
    "monitor.unit.epoch.few": "{n} epoki",
    "monitor.unit.epoch.many": "{n} epok",
    "monitor.event": "epoka {epoch}: {message}",
    # monitor: wyjaśnienia detektorów (klucz to "monitor." + message_id zdarzenia)
    "monitor.gl.overfit": (
        "{metric} jest o {gl:.1f}% wyższa niż jej najlepsza wartość ({best:.4g} w epoce "
        "{best_epoch}), a {train} spadała przez {since}: model zaczął zapamiętywać dane "
        "treningowe. Zatrzymaj tu trening albo zachowaj najlepsze wagi (restore_best)."
    ),
    "monitor.gl.stalled": (
        "{metric} jest o {gl:.1f}% wyższa niż jej najlepsza wartość ({best:.4g} w epoce "
        "{best_epoch}), a {train} od tamtej pory też nie spadła: trening utknął albo stał się "
        "niestabilny (spróbuj mniejszego współczynnika uczenia)."
    ),
    "monitor.gl.plain": (
        "{metric} jest o {gl:.1f}% wyższa niż jej najlepsza wartość ({best:.4g} w epoce "
        "{best_epoch}): model radzi sobie coraz gorzej na danych, na których się nie uczy."
    ),
    "monitor.pq.fire": (
        "{metric} jest o {gl:.1f}% wyższa niż jej najlepsza wartość, a {train} w ostatnim "
        "odcinku, trwającym {since}, poprawiła się tylko o {progress:.3g}‰ (iloraz {pq:.3g} > "
        "{alpha:g}): każda epoka kosztuje teraz więcej na nowych danych, niż daje na danych "
        "treningowych, więc model zaczął zapamiętywać."
    ),
    "monitor.up.fire": (
        "{metric} rosła na końcu kolejnych odcinków treningu ({s} z rzędu, każdy trwa {strip}; "
        "wartości: {trail}): model radzi sobie coraz gorzej na nowych danych, to oznaka "
        "przeuczenia. Najlepsza wartość: {best:.4g} w epoce {best_epoch}."
    ),
    "monitor.patience.fire": (
        "{metric} nie poprawiła się przez {since} (najlepsza wartość {best:.4g} w epoce "
        "{best_epoch}): dalszy trening raczej nic nie da."
    ),
    "monitor.divergence.nonfinite": (
        "{metric} w kroku {step} przyjęła wartość {value}: trening stał się rozbieżny (liczby "
        "wyszły poza zakres). Zmniejsz współczynnik uczenia, sprawdź, czy w danych nie ma NaN, "
        "albo przytnij gradienty."
    ),
    "monitor.divergence.threshold": (
        "{metric} w kroku {step} wynosi {value:.4g}, ponad limit {threshold:.4g}: trening "
        "wymyka się spod kontroli. Zmniejsz współczynnik uczenia."
    ),
    "monitor.divergence.factor": (
        "{metric} w kroku {step} wynosi {value:.4g}, {ratio:.0f} razy więcej niż na początku "
        "({first:.4g}): trening wymyka się spod kontroli. Zmniejsz współczynnik uczenia."
    ),
    "monitor.gap.relative": (
        "{metric} ({val:.4g}) i {train} ({tr:.4g}) różniły się o ponad {pct:.0f}% przez "
        "{since} z rzędu: model radzi sobie dużo lepiej na danych, na których się uczy, niż na "
        "nowych (duża wariancja). Tę różnicę zmniejszą: więcej danych, mniejszy model albo "
        "regularyzacja."
    ),
    "monitor.gap.absolute": (
        "{metric} ({val:.4g}) i {train} ({tr:.4g}) różniły się o ponad {threshold:.4g} przez "
        "{since} z rzędu: model radzi sobie dużo lepiej na danych, na których się uczy, niż na "
        "nowych (duża wariancja). Tę różnicę zmniejszą: więcej danych, mniejszy model albo "
        "regularyzacja."
    ),
    "monitor.grad.vanishing": (
        "warstwa '{layer}' dostaje prawie zerowy gradient (norma {norm:.2g}, {ratio:.1g} normy "
        "największej, w warstwie '{top}'): jej wagi prawie się nie zmieniają. Zanikające "
        "gradienty biorą się z głębokich stosów warstw sigmoid/tanh, złej inicjalizacji albo "
        "z warstwy odciętej od funkcji straty."
    ),
    "monitor.grad.exploding": (
        "warstwa '{layer}' ma normę gradientu {norm:.3g} (ponad {limit:g}): tak duże kroki "
        "sprawiają, że trening jest niestabilny. Zmniejsz współczynnik uczenia albo przytnij "
        "gradienty (torch.nn.utils.clip_grad_norm_)."
    ),
    "monitor.grad.nonfinite": (
        "warstwa '{layer}' ma gradient równy {value}: trening stał się rozbieżny. Zmniejsz "
        "współczynnik uczenia albo sprawdź, czy dane i funkcja straty nie dają NaN."
    ),
    # monitor: GradientWatch
    "monitor.gradwatch.no_params": "GradientWatch nie znalazł w modelu parametrów do trenowania",
    "monitor.gradwatch.model": "(model)",
    "monitor.gradwatch.table.columns": "warstwa|ostatnia|min|maks",
    "monitor.gradwatch.table.header": "{layer:<{w}}  {last:>10}  {low:>10}  {high:>10}",
    "monitor.gradwatch.table.row": "{layer:<{w}}  {last:>10.3g}  {low:>10.3g}  {high:>10.3g}",
    # monitor: wiersze tekstowe i podsumowanie
    "monitor.text.epoch": "epoka {epoch:>4}",
    "monitor.text.step": "krok {step:>5}",
    "monitor.text.metric": "{name} {value:.4g}",
    "monitor.text.pair": "{name} {train:.4g} / val {val:.4g}",
    "monitor.text.val_only": "val_{name} {val:.4g}",
    "monitor.text.best_mark": " *",
    "monitor.text.event": "  ! {message}",
    "monitor.text.stop": "  -> {detector} proponuje zatrzymać trening w epoce {epoch}",
    "monitor.summary.best": "najlepszy wynik {metric}: {value:.4g} w epoce {epoch} (krok {step})",
    "monitor.summary.none": "nic jeszcze nie zapisano",
    "monitor.summary.restore": "mon.restore_best(model) przywraca te wagi",
    "monitor.summary.events": "zdarzenia ({n}):",
    "monitor.repr": "<Monitor{name}: epoki: {epochs}{best}, zdarzenia: {events}>",
    "monitor.repr.best": ", najlepszy wynik {metric}={value:.4g}",
    # monitor: przywracanie najlepszych wag
    "monitor.weights.mismatch": (
        "model nie pasuje do zapisanych najlepszych wag ({details}): restore_best() potrzebuje "
        "tej samej architektury co model przekazany do Monitor(model=...)"
    ),
    "monitor.weights.missing": "brakuje {names}",
    "monitor.weights.unexpected": "nadmiarowe {names}",
    "monitor.weights.shape": "{name} ma {got}, a zapisano {saved}",
    "monitor.weights.more": " (+{n} więcej)",
    # monitor: Runs i compare
    "monitor.runs.table.run": "przebieg",
    "monitor.runs.table.epochs": "epoki",
    "monitor.runs.table.best_epoch": "najlepsza epoka",
    "monitor.runs.table.stop": "zatrzymanie",
    "monitor.runs.table.stopped": "{detector} @ {epoch}",
    "monitor.runs.table.none": "-",
    "monitor.runs.table.winner": " *",
    "monitor.runs.table.empty": "nie ma jeszcze przebiegów: runs.new('small')",
    "monitor.runs.default_name": "przebieg {i}",
    "monitor.runs.error.duplicate": "przebieg o nazwie {name!r} już istnieje; wybierz inną nazwę",
    "monitor.runs.error.not_monitor": "compare() przyjmuje obiekty Monitor, otrzymano {got!r}",
    "monitor.runs.error.unknown": "nie ma przebiegu o nazwie {name!r}; przebiegi: {names}",
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
