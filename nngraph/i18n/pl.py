"""Polskie komunikaty. Klucze jak w `en.py`; `{pola}` wypełnia `message()`."""

MESSAGES: dict[str, str] = {
    # i18n
    "i18n.unknown_language": "nieznany język {got!r}: wybierz jeden z {known}",
    # capture
    "capture.needs_tensor": (
        "{call} potrzebuje tensora torch.Tensor (albo krotki/listy/słownika tensorów), "
        "otrzymano {got}: przekaż wynik obliczenia, np. {call}(loss)"
    ),
    "capture.no_history": (
        "ten tensor nie ma historii autogradu, więc nie ma grafu: albo żaden z tensorów, z "
        "których go policzono, nie wymaga gradientu (utwórz dane wejściowe przez "
        "torch.tensor(..., requires_grad=True) albo użyj parametrów modelu), albo policzono go "
        "w torch.no_grad() lub torch.inference_mode() albo odłączono przez .detach() (policz "
        "go z włączonymi gradientami). Żeby zobaczyć operacje bez śledzenia gradientów, użyj "
        "ng.record()."
    ),
    "capture.bad_stats": (
        "stats musi być True (statystyki każdej wartości i gradientu) albo False (sama "
        "struktura), a nie {got!r}"
    ),
    "capture.bad_params": (
        "params musi być modelem nn.Module, słownikiem {{nazwa: tensor}} albo parami "
        "(nazwa, tensor), a nie {got}; np. graph_of(loss, params=model)"
    ),
    "capture.label.input": "wejście",  # a tensor no variable or argument names
    "capture.label.param": "parametr",
    "capture.label.buffer": "bufor",
    "capture.label.constant": "stała",
    "capture.output_label": "wyjście",  # an output node no variable names
    "capture.graph_not_ready": "rec.graph jest gotowy po zakończeniu bloku `with ng.record() as rec:`",
    "capture.param_not_tensor": (
        "params przypisuje nazwy tensorom, a {name!r} to {got}: przekaż model, np. "
        "graph_of(loss, params=model), albo dict(model.named_parameters())"
    ),
    "capture.record_without_with": (
        "ng.record() zapisuje kod bloku with: napisz `with ng.record(model) as rec:`, "
        "uruchom w nim model, a po zakończeniu bloku użyj rec.graph"
    ),
    "capture.record_with_inputs": (
        "ng.record() nie przyjmuje danych wejściowych: zapisuje to, co wykona się w bloku with, "
        "więc tam uruchom model: `with ng.record(model) as rec:`, a w bloku "
        "`loss = model(x).sum()`; albo narysuj jedno przejście w przód przez ng.trace(model, x)"
    ),
    "capture.record_two_models": (
        "ng.record() przyjmuje jeden model, a podano {count}: od niego biorą się ścieżki"
        " modułów w grafie, a każdy inny model uruchomiony w bloku też zostanie zapisany (jego"
        " operacje w osobnym pudełku). Podaj główny, `with ng.record(model) as rec:`, albo"
        " żaden, `with ng.record() as rec:`, i uruchom je wszystkie w bloku"
    ),
    "capture.record_without_as": (
        "graf jest w obiekcie, który daje `with ... as rec:`, a nie w tym, co zwraca "
        "ng.record(): napisz `with ng.record(model) as rec:` (zamiast `rec = ng.record(model)`, "
        "a potem `with rec:`) i po zakończeniu bloku użyj rec.graph"
    ),
    "capture.bad_module_name": (
        "{owner} ma podmoduł o nazwie {name!r}, której add_module z PyTorcha nie przyjmuje "
        "(nazwa nie może być pusta ani zawierać '.'): wpuścił ją setattr. Nadaj mu inną nazwę, "
        "np. {suggestion!r}"
    ),
    "capture.not_a_module": (
        "{call} potrzebuje modelu torch.nn.Module, otrzymano {got}; dla zwykłych obliczeń na "
        "tensorach użyj `with ng.record() as rec:` albo ng.graph_of(y)"
    ),
    "capture.loss_is_class": (
        "loss to klasa {name}, a nie funkcja straty: utwórz obiekt tej klasy i wywołaj go z"
        " wyjściem modelu i wartościami docelowymi, np. loss=lambda y: {name}()(y, target)"
    ),
    "capture.bad_model_call": (
        "funkcja trace() nie mogła wywołać modelu z tym, co dostała ({error}): podaj wejścia"
        " modelu "
        "po modelu, np. ng.trace(model, x, loss=lambda y: ...){hint}"
    ),
    "capture.batch_as_keywords": (
        "funkcja trace() dostała jako wejście modelu jeden słownik, którego klucze ({keys})"
        " są nazwami"
        " argumentów forward() modelu: przekaż je jako argumenty nazwane,"
        " ng.trace(model, **batch, loss=...)"
    ),
    "capture.did_you_mean_loss": "; czy chodziło o loss=?",
    "capture.loss_not_callable": (
        "loss musi być funkcją wyjścia modelu zwracającą skalarny tensor, "
        "np. loss=lambda y: torch.nn.functional.mse_loss(y, target)"
    ),
    "capture.loss_is_value": (
        "loss to {got}, czyli już obliczona wartość straty, a nie funkcja: trace() uruchamia"
        " model i dopiero potem wywołuje loss na jego wyjściu, więc podaj funkcję tego wyjścia,"
        " np. loss=lambda out: loss_fn(out, y) zamiast loss=loss_fn(model(x), y)"
    ),
    "capture.loss_module_needs_target": (
        "loss to moduł {name}, który oprócz wyjścia modelu potrzebuje wartości docelowych"
        " (jego forward przyjmuje {params}), a trace() wywołuje loss z samym wyjściem: opakuj go"
        " w funkcję, która dostaje samo wyjście modelu, np. loss=lambda out: loss_fn(out, y),"
        " gdzie loss_fn to twój {name}, a y to wartości docelowe"
    ),
    "capture.loss_function_needs_target": (
        "loss to {name}, która oprócz wyjścia modelu potrzebuje wartości docelowych (przyjmuje"
        " {params}), a trace() wywołuje loss z samym wyjściem: opakuj ją w funkcję, która"
        " dostaje samo wyjście modelu, np. loss=lambda out: {name}(out, y), gdzie y to wartości"
        " docelowe"
    ),
    "capture.loss_lambda_needs_target": (
        "funkcja straty przyjmuje argumenty ({params}), a trace() wywołuje ją z jednym"
        " argumentem, wyjściem modelu: napisz funkcję samego wyjścia, która wartości docelowe"
        " bierze ze zmiennej, np. loss=lambda out: F.mse_loss(out, y), gdzie y to wartości"
        " docelowe"
    ),
    "capture.loss_not_scalar": (
        "loss(output) musi zwrócić tensor z jednym elementem (skalarną stratę), a zwróciło {got}"
    ),
    "capture.loss_no_history": (
        "strata nie ma historii autogradu: czy model ma parametry z requires_grad i czy strata "
        "korzysta z wyjścia modelu jako tensora, bez .item(), .detach() i torch.no_grad()?"
    ),
    "capture.loss_through_integers": (
        "strata nie ma historii autogradu: liczy się ją z wyniku {op} (typu {dtype}), a liczby"
        " całkowite (argmax, indeksy, porównania) nigdy nie niosą gradientu."
        " Licz stratę z samych wyników modelu (np. F.cross_entropy(output, target) na logitach),"
        " a argmax zostaw do dokładności"
    ),
    "capture.loss_copied": (
        "strata nie ma historii autogradu: torch.tensor(...) kopiuje podane wartości bez ich"
        " historii, więc gradient nie przepłynie przez nie wstecz. Użyj samego tensora, a jeden"
        " tensor z kilku zrób przez torch.stack(...) albo torch.cat(...), które ją zachowują:"
        " torch.stack([self.fc(r) for r in x]) zamiast torch.tensor([...])"
    ),
    "capture.loss_copied_new_tensor": (
        "strata nie ma historii autogradu: x.new_tensor(h) kopiuje wartości h bez ich historii,"
        " więc gradient nie przepłynie przez nie wstecz. Użyj samego h (albo h.to(x.dtype),"
        " h.to(x.device), które ją zachowują)"
    ),
    "capture.loss_copied_nested": (
        "strata nie ma historii autogradu: torch.nested.nested_tensor([...]) kopiuje podane"
        " tensory bez ich historii, więc gradient nie przepłynie przez nie wstecz. Użyj"
        " torch.nested.as_nested_tensor([...], layout=torch.jagged), które ją zachowuje"
    ),
    "capture.loss_forward_without_grad": (
        "strata nie ma historii autogradu, bo forward modelu działał z wyłączonymi gradientami "
        "(@torch.no_grad() nad forward albo torch.set_grad_enabled(False) w jego środku, np. "
        "skopiowane z funkcji do predykcji): usuń to, aby trenować i zobaczyć przejście wstecz; "
        "ng.trace(model, x) bez loss= pokazuje samo przejście w przód"
    ),
    "capture.loss_made_before": (
        "funkcja straty zwróciła stratę obliczoną, zanim funkcja trace() zaczęła działać (jak w"
        " loss=lambda out: loss_value): nie korzysta z wyjścia, które dostaje od trace(), więc"
        " graf pokazałby wartości tego przejścia w przód razem z gradientami przejścia, które"
        " obliczyło tamtą stratę. Oblicz stratę z wyjścia, które funkcja dostaje, np."
        " loss=lambda out: F.mse_loss(out, y)"
    ),
    "capture.loss_ignores_output": (
        "strata nie korzysta z wyjścia modelu, które trace() przekazuje funkcji straty: jest"
        " obliczona z czegoś innego, np. z ponownego uruchomienia modelu (loss=lambda out:"
        " F.mse_loss(model(x), y)) albo z samych wag, więc graf pokazałby wartości tego przejścia"
        " w przód razem z gradientami innego obliczenia. Oblicz stratę z wyjścia, które funkcja"
        " dostaje, np. loss=lambda out: F.mse_loss(out, y) (można do niej dodać karę za wagi)"
    ),
    "capture.loss_ran_backward": (
        "funkcja loss= sama wywołała backward(), a trace() robi to za nią: niech funkcja tylko "
        "oblicza i zwraca stratę, np. loss=lambda y: F.mse_loss(y, target)"
    ),
    "capture.lazy_output": (
        "model zwrócił iterator ({got}): jest leniwy, jego wartości są obliczane dopiero wtedy, "
        "gdy coś je odczyta, już po zakończeniu ng.trace(), więc nie ma czego zapisać. Niech "
        "forward zwraca krotkę albo listę (np. `return tuple(...)` albo `[...]` zamiast `(...)` "
        "wokół wyrażenia generującego), albo przekaż loss=, które go odczytuje, np. "
        "loss=lambda ys: sum(y.sum() for y in ys)"
    ),
    "capture.returned_none_loss": (
        "model zwrócił None, więc loss= dostało None zamiast wyniku modelu: czy forward nie "
        "kończy się bez `return`? Zakończ go wynikiem, np. `return self.fc(x)`"
    ),
    "capture.returned_none": (
        "model zwrócił None: czy forward nie kończy się bez `return`? Graf pokazuje, co model "
        "obliczył, ale nie ma wyjścia; zakończ forward wynikiem, np. `return self.fc(x)`"
    ),
    "capture.backward_again": (
        "funkcja backward() wykonała się dwa razy na tej samej stracie w tym bloku ng.record(), "
        "a wagi wciąż miały gradienty z pierwszego razu: PyTorch sumuje je w .grad, więc każdy "
        "gradient jest teraz dwa razy większy niż po jednym backward (jakby podwoić "
        "współczynnik uczenia). Jeśli retain_graph=True dopisano, żeby uciszyć błąd "
        '"Trying to backward through the graph a second time", usuń je razem z drugim '
        "wywołaniem: wywołuj loss.backward() raz na jedno przejście w przód"
    ),
    "capture.backward_again_cell": (
        "funkcja backward() wykonała się dwa razy na tej samej stracie w tej komórce, a wagi"
        " wciąż miały gradienty z pierwszego razu: PyTorch sumuje je w .grad, więc każdy"
        " gradient jest teraz dwa razy większy niż po jednym backward (jakby podwoić"
        " współczynnik uczenia). Jeśli retain_graph=True dopisano, żeby uciszyć błąd"
        ' "Trying to backward through the graph a second time", usuń je razem z drugim'
        " wywołaniem: wywołuj loss.backward() raz na jedno przejście w przód"
    ),
    "capture.untracked_loss": (
        "przejście wstecz, które wykonało się w tym bloku ng.record(), nie dotarło do niczego, "
        "co blok zapisał: blok obliczył stratę bez autograd (liczba wyjęta przez .item() i "
        "z powrotem zamieniona w tensor przez torch.tensor(...), wartości po .detach() albo "
        "przejście w przód pod torch.no_grad()), więc za stratą nie stoi żaden graf i żaden "
        "gradient nie dociera do wag modelu; requires_grad=True i loss.requires_grad_(True) "
        "tylko uciszają błąd PyTorcha. Oblicz stratę z włączonym autograd i zostaw ją tensorem: "
        "loss = loss_fn(model(x), y), bez .item(), torch.tensor(...) i .detach(), poza "
        "`with torch.no_grad():`"
    ),
    "capture.forward_before_block": (
        "przejście wstecz, które wykonało się w tym bloku ng.record(), nie dotarło do niczego, "
        "co blok zapisał: przejście w przód, które obliczyło stratę, wykonało się przed blokiem, "
        "więc w grafie nie ma jego operacji ani gradientów. Wykonaj w bloku także przejście w przód: "
        "`with ng.record(model) as rec:`, a w nim `loss = loss_fn(model(x), y)` i "
        "`loss.backward()`"
    ),
    # `ng.record(model)`, którego model nie działał w bloku: który działał, jeśli wiadomo
    "capture.record_model_idle.none": (
        "ng.record({model}): model {model} nie został uruchomiony w bloku (nie wywołano żadnej "
        "z jego warstw), więc warstwy grafu nie są nazwane według niego. Podaj record() model, "
        "który uruchamia blok, albo żaden: ng.record()"
    ),
    "capture.record_model_idle.one": (
        "ng.record({model}): model {model} nie został uruchomiony w bloku (nie wywołano żadnej "
        "z jego warstw); zamiast niego działał {ran}. Aby nazwać warstwy grafu według modelu, "
        "który działał, napisz ng.record({ran}) albo nie podawaj modelu: ng.record()"
    ),
    "capture.record_model_idle.many": (
        "ng.record({model}): model {model} nie został uruchomiony w bloku (nie wywołano żadnej "
        "z jego warstw); działały modele {ran}. Podaj record() ten, według którego nazwać "
        "warstwy grafu, albo nie podawaj modelu: ng.record()"
    ),
    "capture.trace_in_another_thread": (
        "ng.trace() działa teraz w innym wątku: śledzenie czyści .grad modelu i na końcu"
        " przywraca model i generatory liczb losowych, więc dwa naraz by je pomieszały. Wywołuj"
        " ng.trace() z jednego wątku naraz"
    ),
    "capture.inference_mode": (
        "ng.trace() nie działa wewnątrz torch.inference_mode(): tam żaden gradient nie jest "
        "śledzony. Wywołaj go poza blokiem `with torch.inference_mode():`."
    ),
    "capture.inference_input": (
        "funkcja ng.trace() otrzymała tensor utworzony w trybie torch.inference_mode() ({where}): "
        "autograd nie może zapisać, co model z nim robi. Utwórz dane wejściowe poza blokiem "
        "`with torch.inference_mode():` albo przekaż ich kopię zrobioną poza nim, np. "
        "ng.trace(model, x.clone())"
    ),
    "capture.model_without_forward": (
        "model, {got}, przechowuje moduły albo parametry, ale nie ma własnego forward(), więc nie da się go"
        " wywołać: podaj trace() model, którego forward() je uruchamia, albo"
        " nn.Sequential(*layers), jeśli działają jedna po drugiej"
    ),
    "capture.input_is_loader": (
        "{where} to {type_name}, który zawiera cały zbiór danych, partia po partii, a model"
        " przyjmuje jedną partię. Najpierw weź jedną partię, daj modelowi jej wejścia, a"
        " funkcji straty wartości docelowe: x, y = next(iter(loader)), potem ng.trace(model, x,"
        " loss=lambda out: loss_fn(out, y))"
    ),
    "capture.recursion_limit": (
        "nngraph: osiągnięto limit rekurencji Pythona (sys.getrecursionlimit() = {limit}),"
        " gdy wywołania modułów, jedno w drugim, sięgały głębokości {calls}. W trace() i"
        " record() PyTorch przepuszcza"
        " każde wywołanie modułu przez jeszcze jedną funkcję Pythona (swoją ścieżkę dla hooków"
        " modułów, których nngraph używa, by wiedzieć, który moduł działa), więc tak głęboko"
        " zagnieżdżony model dochodzi do limitu o mniej więcej jedną piątą wcześniej niż bez"
        " nngraph. Jeśli model ma być tak głęboko zagnieżdżony, podnieś limit przed"
        " wywołaniem: import sys; sys.setrecursionlimit({suggested})"
    ),
    "capture.label_note.float": (
        "nngraph: etykiety klas są liczbami zmiennoprzecinkowymi, a cross_entropy i nll_loss"
        " przyjmują indeksy klas, liczby całkowite (dtype torch.long): podaj y.long()."
        " (Cel zmiennoprzecinkowy jest traktowany jako prawdopodobieństwa klas, a to wymaga"
        " kształtu wyjścia, [N, liczba klas].)"
    ),
    "capture.label_note.extra_dim": (
        "nngraph: cross_entropy przyjmuje jeden indeks klasy na każdy przykład, cel o kształcie"
        " [{n}],"
        " a ten cel ma o jeden wymiar więcej (etykiety jako kolumna, [{n}, 1]; wyjście ma kształt"
        " {shape}): podaj y.squeeze(1) albo y.view(-1), jako liczby całkowite:"
        " y.squeeze(1).long()."
    ),
    "capture.label_note.one_output": (
        "nngraph: model ma jedno wyjście, a cross_entropy potrzebuje jednego wyniku na klasę,"
        " więc jedyna etykieta, jaką przyjmie, to 0. Dla dwóch klas daj ostatniej warstwie"
        " 2 wyjścia (nn.Linear(..., 2)) i zostaw CrossEntropyLoss; albo zostaw 1 wyjście"
        " i użyj nn.BCEWithLogitsLoss z celami zmiennoprzecinkowymi o kształcie [N, 1]:"
        " y.float().unsqueeze(1)."
    ),
    "capture.label_note.out_of_bounds": (
        "nngraph: etykiety klas muszą być od 0 do {last}, po jednej na wynik wyjścia (wyników"
        " na każdy przykład: {classes}), a jedna wynosi {label}. Etykiety liczone od 1 wymagają"
        " y - 1; więcej klas wymaga ostatniej warstwy z większą liczbą wyjść"
        " (nn.Linear(..., liczba klas))."
    ),
    "capture.label_note.out_of_bounds_unknown": (
        "nngraph: etykiety klas muszą być od 0 do liczby klas - 1, po jednej na wynik wyjścia,"
        " a jedna wynosi {label}. Etykiety liczone od 1 wymagają y - 1; więcej klas wymaga"
        " ostatniej warstwy z większą liczbą wyjść (nn.Linear(..., liczba klas))."
    ),
    "capture.label_note.binary_shape": (
        "nngraph: binarna entropia krzyżowa porównuje każde wyjście z celem w tym samym"
        " miejscu, więc oba muszą mieć ten sam kształt, a tu wyjście ma kształt {shape}, a cel"
        " inny. Nadaj celowi kształt wyjścia: y.float().view_as(out) (dla wyjścia [N, 1]"
        " i etykiet [N]: y.float().unsqueeze(1))."
    ),
    "capture.label_note.binary_long": (
        "nngraph: cele są najpewniej liczbami całkowitymi (dtype torch.long), a binarna"
        " entropia krzyżowa porównuje wyjście z celami zmiennoprzecinkowymi (0.0 albo 1.0):"
        " podaj y.float()."
    ),
    "capture.input_is_iterator": (
        "nngraph: {where} to iterator (typ {type_name}), który podaje swoje elementy po jednym;"
        " jeśli model potrzebuje tam tensora, najpierw wyjmij jeden element i daj go modelowi,"
        " np. x, y = next(batches), potem ng.trace(model, x, loss=lambda out: loss_fn(out, y));"
        " albo zrób ze wszystkich elementów jeden tensor: torch.stack(list(items))"
    ),
    "capture.input_is_dataset": (
        "nngraph: {where} to zbiór danych (typ {type_name}); jeśli model potrzebuje tam"
        " tensora, najpierw weź z niego jedną partię, daj modelowi jej wejścia, a funkcji straty"
        " wartości docelowe: x, y = next(iter(DataLoader(dataset, batch_size=32))), potem"
        " ng.trace(model, x, loss=lambda out: loss_fn(out, y))"
    ),
    "capture.input_is_batch": (
        "nngraph: model dostał jeden obiekt {type_name} z tensorami w liczbie {count} (kształty"
        " {shapes}). Jeśli to cała partia z DataLoadera, wejścia razem z wartościami"
        " docelowymi, daj modelowi wejścia, a funkcji straty wartości docelowe: x, y ="
        " batch[0], batch[1], potem ng.trace(model, x, loss=lambda out: {loss}(out, y)){apart}"
    ),
    # said after capture.input_is_batch where the forward takes that many inputs
    "capture.input_is_batch_apart": (
        ". Jeśli wszystkie są wejściami modelu, podaj je osobno: ng.trace(model, *batch, loss=...)"
    ),
    "capture.model_on_meta": (
        "nngraph: wagi modelu są na urządzeniu meta, które przechowuje kształty, ale nie"
        " wartości (model zbudowany pod torch.device('meta') albo po model.to('meta')), więc nie"
        " da się nic obliczyć z {where}, które jest na {device}. Najpierw daj wagom pamięć i"
        " wartości: model.to_empty(device='{device}'), a potem je wczytaj"
        " (model.load_state_dict(...)) albo zainicjuj; możesz też zbudować model bez"
        " torch.device('meta')"
    ),
    "capture.input_not_tensor": (
        "model potrzebuje tensora tam, gdzie dostał {where} (typ {type_name}): {error}. Najpierw"
        " zamień to na tensor, np. {fix}"
    ),
    "capture.loss_complex": (
        "loss(output) musi być liczbą rzeczywistą, a zwróciło tensor {dtype}: backward() "
        "potrzebuje rzeczywistego skalara, weź np. jego .abs() albo .real"
    ),
    "capture.integer_no_history": (
        "tensory {dtype} (argmax, indeksy, porównania) nigdy nie niosą gradientów, więc nie mają "
        "grafu: podaj tensor zmiennoprzecinkowy, z którego je policzono, np. graph_of(logits)"
    ),
    "capture.attribute_not_restored": (
        "forward modelu zmienił w miejscu tensor trzymany jako zwykły atrybut (kształt {shape}), "
        "za duży, by nngraph trzymał jego kopię: zostaje zmieniony. Zarejestruj go przez "
        "self.register_buffer(...), a zostanie przywrócony"
    ),
    "capture.not_restored": (
        "nngraph nie mógł przywrócić wartości, którą forward modelu zmienił w miejscu ({error}); "
        "sprawdź wagi i bufory modelu"
    ),
    "capture.stopped": (
        "nngraph przestał nagrywać przy `{op}` ({error}); graf jest niepełny, "
        "twoje obliczenia nie zostały zmienione"
    ),
    "capture.stopped_before_write": (
        "nngraph przestał nagrywać przed operacją in-place, zmieniającą tensor w miejscu "
        "({error}); graf jest niepełny, twoje obliczenia nie zostały zmienione"
    ),
    "capture.names_not_mapping": (
        "names musi być odwzorowaniem nazw na wartości, np. globals() albo słownikiem, a nie {got}"
    ),
    "capture.reentrant_checkpoint": (
        "checkpoint(..., use_reentrant=True) ukrywa swoje wnętrze przed autogradem, więc graf "
        "pokazuje go jako jedną operację, bez jego warstw i ich parametrów; use_reentrant=False "
        "je pokazuje"
    ),
    "capture.script_module": (
        "trace() nie zajrzy do modułu TorchScript ({got}, zrobionego przez torch.jit.script albo "
        "torch.jit.trace): jego operacje działają w C++, gdzie nngraph ich nie widzi. Śledź model "
        "w Pythonie, z którego powstał, albo wywołaj ng.graph_of(loss) na jego wyniku, by "
        "zobaczyć graf autogradu"
    ),
    "capture.other_thread": (
        "w tym nagraniu moduł ({module}) działał w innym wątku (pula wątków?): nngraph nagrywa "
        "operacje wątku, który wykonuje blok, więc operacji tego modułu brak w grafie albo "
        "widać je tylko jako węzły autogradu, bez wartości, ścieżek modułów i ich wejść. "
        "Uruchom model w jednym wątku, by zobaczyć całość"
    ),
    "capture.script_module_ran": (
        "w tym nagraniu działał moduł TorchScript (torch.jit.script albo torch.jit.trace): jego "
        "operacje działają w C++, gdzie nngraph ich nie widzi, więc graf pokazuje tylko jego "
        "węzły autogradu, bez modułów. Nagraj model w Pythonie, z którego powstał, by zobaczyć "
        "jego warstwy"
    ),
    "capture.script_function_ran": (
        "w tym nagraniu działała funkcja TorchScript ({name}, utworzona przez torch.jit.script "
        "albo torch.jit.trace): jej operacje działają w C++, gdzie nngraph ich nie widzi, więc "
        "graf pokazuje tylko ich węzły autogradu, pod nazwami nadanymi przez autograd. Wywołaj "
        "funkcję w Pythonie, z której powstała, by zobaczyć jej operacje tak, jak zostały "
        "napisane"
    ),
    # python -m nngraph
    "main.wrote": "zapisano {path}",
    "main.out_is_file": (
        "python -m nngraph --out {path}: {file} jest plikiem, a nie folderem; podaj folder na "
        "pliki grafu, np. --out nngraph-example"
    ),
    "main.cannot_make_folder": (
        "python -m nngraph --out {path}: nie da się utworzyć tego folderu ({reason}); podaj "
        "inny, np. --out nngraph-example"
    ),
    # python -m nngraph --help (argparse pisze swoje słowa po angielsku: te je zastępują)
    "main.description": (
        "Przepuszcza dane przez małą sieć CNN, wypisuje, co widzi w niej nngraph,\n"
        "i zapisuje jej graf.\n\n"
        "$ python -m nngraph --out nngraph-example\n"
        "... tabela podsumowania, wykryte problemy z gradientami i zapisane pliki"
    ),
    "main.usage": "użycie: ",
    "main.error": "błąd",
    "main.options": "opcje",
    "main.help_help": "pokaż tę pomoc i zakończ",
    "main.help_out": "folder na pliki grafu (domyślnie: nngraph-example)",
    "main.out_metavar": "FOLDER",
    # datasets
    "datasets.needs_sklearn": (
        "ten zbiór danych wymaga scikit-learn: pip install scikit-learn (albo nngraph[demos])"
    ),
    "datasets.bad_split": "split musi składać się z trzech ułamków o sumie 1, a jest {got}",
    # magics
    "datasets.bad_n": (
        "{what} musi być liczbą całkowitą nie mniejszą niż {minimum}, otrzymano {got!r}"
    ),
    "datasets.empty_train": (
        "split={got} nie zostawia ani jednego przykładu treningowego spośród {n}: daj części "
        "treningowej większy ułamek, np. split=(0.7, 0.15, 0.15)"
    ),
    "datasets.too_few": (
        "split={got} przy liczbie przykładów n={n} zostawia pustą część {part}, a strata "
        "policzona na zerze przykładów to NaN: przy tym podziale użyj co najmniej n={need} "
        "przykładów"
    ),
    "datasets.empty_part": (
        "split={got} przy liczbie przykładów n={n} zostawia pustą część {part}, a strata "
        "policzona na zerze przykładów to NaN: daj tej części większy ułamek, np. "
        "split=(0.7, 0.15, 0.15), albo użyj większej liczby przykładów"
    ),
    "datasets.part.val": "walidacyjną",
    "datasets.part.test": "testową",
    "datasets.too_many": (
        "{what}={got!r} to więcej punktów, niż przewidziano dla tych małych zbiorów do nauki "
        "(najwyżej {maximum:,}): powstają w pamięci naraz, więc tak duża liczba mogłaby ją "
        "wyczerpać; użyj mniejszej, np. {what}=1000"
    ),
    "datasets.more_than_all": (
        "n={n} to więcej przykładów, niż ma ten zbiór ({all}): użyj n={all} lub mniej albo "
        "n=None, by wziąć wszystkie"
    ),
    "datasets.bad_seed": (
        "seed musi być liczbą całkowitą od 0 do {maximum:,} (to samo ziarno daje te same "
        "dane), "
        "otrzymano {got!r}"
    ),
    "datasets.bad_noise": (
        "noise musi być skończoną liczbą >= 0 (rozrzut losowego szumu; 0 gdy bez szumu), "
        "otrzymano {got!r}"
    ),
    "datasets.bad_number": "{what} musi być skończoną liczbą, otrzymano {got!r}",
    "magic.help": (
        "nngraph w jednej linijce.\n\n"
        "  %nngraph WYRAŻENIE            graf autogradu tensora (tensorów) z WYRAŻENIA\n"
        "  %nngraph g                    graf zapamiętany przez -o g, pokazany taki, jaki jest\n"
        "  %%nngraph [opcje]             nagraj całą komórkę (w przód i wstecz) i pokaż graf\n"
        "      --depth N                 otwórz moduły do głębokości N\n"
        "      --view forward|backward   które przejście narysować\n"
        "      --color-by grad|value|none\n"
        "                                koloruj węzły wielkością gradientu lub wartości\n"
        "      --model MODEL             nazywaj moduły względem MODELU\n"
        "      -o NAZWA                  zapamiętaj graf w zmiennej NAZWA\n"
        "      -q                        nic nie pokazuj\n"
        "  %nngraph monitor [opcje]      uruchom monitor treningu, zapamiętany jako mon\n"
        "      --model MODEL             model, którego najlepsze wagi zachowa\n"
        "      --metric val_loss         metryka, która wybiera najlepszą epokę\n"
        "      --mode auto|min|max       auto: max dla metryk typu dokładność, np. val_acc,\n"
        "                                min dla straty\n"
        "      --name NAZWA              nazwa przebiegu w wierszach tekstu\n"
        "      -o NAZWA                  zapamiętaj monitor w zmiennej NAZWA (domyślnie mon)\n"
        "  %nngraph watch MODEL [opcje]  normy gradientów warstw, zapamiętane jako watch\n"
        "      --optimizer OPT           zapisuj krok przy każdym OPT.step(); bez tej opcji\n"
        "                                wywołuj watch.step() po każdym loss.backward()\n"
        "      --monitor MON             przekazuj też to, co znajdzie, monitorowi MON\n"
        "      -o NAZWA                  zapamiętaj obiekt w zmiennej NAZWA (domyślnie watch)\n"
        "  %nngraph lang en|pl           zmień język nngraph"
    ),
    "magic.usage": (
        "użycie: %nngraph WYRAŻENIE | %%nngraph [--depth N] [--view forward|backward] "
        "[--color-by grad|value|none] [--model MODEL] [-o NAZWA] [-q] | %nngraph monitor "
        "[--model MODEL] [--metric METRYKA] [--mode auto|min|max] [--name NAZWA] [-o NAZWA] | "
        "%nngraph watch MODEL [--optimizer OPT] [--monitor MON] [-o NAZWA] | %nngraph lang en|pl "
        "(pomoc: %nngraph?)"
    ),
    "magic.language": "język nngraph: {language} (zna: {known}); zmiana: %nngraph lang {other}",
    "magic.lang_one": "%nngraph lang przyjmuje jeden język, jeden z {known}; podano: {got}",
    "magic.bad_depth": "%%nngraph: --depth wymaga liczby całkowitej >= 0, otrzymano {depth!r}",
    "magic.options_need_cell": (
        "%nngraph: nie da się obliczyć {expression!r}: {error}; opcje takie jak --depth i -o "
        "należą do %%nngraph (dwa %), magii komórkowej, która nagrywa całą komórkę; %nngraph "
        "przyjmuje wyrażenie (pomoc: %nngraph?)"
    ),
    "magic.misspelt_cell_options": (
        "%nngraph: nie da się obliczyć {expression!r}: {error}; czy chodziło o {options}? "
        "Opcje takie jak --depth i -o należą do %%nngraph (dwa %), magii komórkowej, która "
        "nagrywa całą komórkę; %nngraph przyjmuje wyrażenie (pomoc: %nngraph?)"
    ),
    "magic.watch_step": (
        "wywołuj {name}.step() po każdym loss.backward(), aby zapisać normy gradientów, albo "
        "zleć to optymalizatorowi: %nngraph watch MODEL --optimizer OPT"
    ),
    "magic.optimizer_class": (
        "%nngraph watch: --optimizer wymaga obiektu optymalizatora, a nie klasy {name}: najpierw "
        "go utwórz, np. opt = torch.optim.SGD(net.parameters(), lr=0.1), a potem --optimizer opt"
    ),
    "magic.model_class": (
        "{what}: {name} to klasa, a nie model: najpierw utwórz model, np. model = {call}, "
        "a potem {then}"
    ),
    "magic.loss_class": (
        "{what}: {name} to klasa funkcji straty, a nie model: podaj model, którego wagi są "
        "trenowane, np. {then}"
    ),
    "magic.line_loss_class": (
        "%nngraph: {name} to klasa funkcji straty, a nie tensor: utwórz stratę i wywołaj ją na "
        "wyjściu modelu i wartościach docelowych, np. %nngraph {call}(model(x), y)"
    ),
    "magic.line_loss": (
        "%nngraph: {name} to funkcja straty, która nie ma grafu, dopóki nie zostanie wywołana: "
        "wywołaj ją na wyjściu modelu i wartościach docelowych, np. %nngraph {call}(model(x), y)"
    ),
    # strata podana tam, gdzie potrzebny jest model (`--model criterion`, `watch criterion`)
    "magic.loss_module": (
        "{what}: {name} to funkcja straty, a nie model: nie ma własnych wag; podaj model, "
        "którego wagi są trenowane, np. {then}"
    ),
    # błędy Monitor i GradientWatch pod `%nngraph monitor` i `%nngraph watch`, słowami magii
    # (jej opcje, a nie argumenty wywołania w Pythonie)
    "magic.monitor.not_module": (
        "%nngraph monitor: --model potrzebuje modelu torch.nn.Module, otrzymano {type_name}"
    ),
    "magic.monitor.metric_name": (
        "%nngraph monitor: --metric wymaga nazwy zapisywanej metryki (napisu, który nie jest "
        "pusty, nie składa się z samych spacji ani nie jest samym przedrostkiem, takim jak "
        "val_), np. --metric val_loss albo --metric val_acc; otrzymano {value}"
    ),
    "magic.watch.not_module": (
        "%nngraph watch: model do obserwowania ({model}) musi być modułem torch.nn.Module, "
        "otrzymano {type_name}"
    ),
    "magic.watch.optimizer_first": (
        "%nngraph watch: {model} to optymalizator ({got}), a nie model: najpierw podaj model, a "
        "optymalizator po --optimizer, np. %nngraph watch model --optimizer {model}"
    ),
    "magic.watch.optimizer": (
        "%nngraph watch: --optimizer wymaga optymalizatora z torch.optim (tego, którego .step() "
        "wywołujesz), otrzymano {got}"
    ),
    "magic.watch.monitor": (
        "%nngraph watch: --monitor wymaga obiektu ng.Monitor, otrzymano {got}: utwórz go przez "
        "%nngraph monitor, a potem podaj --monitor mon"
    ),
    "magic.watch.no_params": (
        "%nngraph watch: {model} nie ma parametrów do trenowania, więc nie ma gradientów do "
        "obserwowania: podaj model, którego wagi trenuje optymalizator"
    ),
    "magic.watch.lazy": (
        "%nngraph watch: {model} nie może jeszcze być obserwowany: parametry jego leniwych "
        "warstw ({names}) dostają kształt przy pierwszym przejściu w przód. Przepuść najpierw "
        "przez niego jedną partię, model(x), a potem uruchom ponownie %nngraph watch (i dopiero "
        "wtedy utwórz optymalizator)"
    ),
    "magic.watch.optimizer_other": (
        "%nngraph watch: --optimizer {optimizer} nie zawiera żadnego z parametrów modelu "
        "{model}, więc jego step() nie trenuje tego modelu (a jego zero_grad() nie zeruje "
        "gradientów modelu, które gromadzą się krok po kroku). Czy komórka, która tworzy "
        "model, została uruchomiona ponownie, a ta, która tworzy optymalizator, nie? Utwórz "
        "optymalizator ponownie z modelu {model}, np. {optimizer} = "
        "torch.optim.SGD({model}.parameters(), lr=0.1), a potem uruchom %nngraph watch "
        "{model} --optimizer {optimizer}"
    ),
    "magic.watch.meta": (
        "%nngraph watch: gradienty warstwy '{layer}' modelu {model} są na urządzeniu meta "
        "(kształty bez wartości), więc nie mają normy do zapisania: obserwuj model, którego "
        "wagi są na CPU albo GPU"
    ),
    "magic.misspelt_command": (
        "%nngraph: nie ma polecenia {word}: czy chodziło o %nngraph {line}? (pomoc: %nngraph?)"
    ),
    # `%nngraph monitr` samo: nazwa, której Python nie zna, i źle wpisane polecenie
    "magic.misspelt_name": (
        "%nngraph: nie da się obliczyć {word!r}: {error}; {word} nie jest też poleceniem: czy "
        "chodziło o %nngraph {line}? (pomoc: %nngraph?)"
    ),
    # `%nngraph lang=pl`: polecenie zapisane jak przypisanie do jego nazwy
    "magic.command_assigned": (
        "%nngraph: {line!r} przypisuje wartość do {command}, a to jest polecenie, więc nic nie "
        "zostało wykonane; polecenie przyjmuje argumenty po spacji, a nie po =: czy chodziło o "
        "%nngraph {meant}? (pomoc: %nngraph?)"
    ),
    "magic.command_assigned_commands": (
        "%nngraph: {line!r} przypisuje wartość do {command}, a to jest polecenie, więc nic nie "
        "zostało wykonane; polecenie przyjmuje argumenty po spacji, a nie po =, np. %nngraph lang "
        "pl; polecenia to monitor, watch i lang (pomoc: %nngraph?)"
    ),
    "magic.read_as_command_note": (
        "(%nngraph {word} uruchomiło polecenie {word}, a nie twoją zmienną {word}: graf"
        " zmiennej pokaże %nngraph ({expression}))"
    ),
    "magic.read_as_command": (
        "{error}; słowo {word} zostało odczytane jako polecenie %nngraph {word}, a nie jako "
        "twoja zmienna {word}: aby obliczyć wyrażenie, ujmij je w nawias: %nngraph ({expression})"
    ),
    "magic.bad_arguments": "%nngraph: {error} (pomoc: %nngraph?)",
    "magic.error.undefined": "nazwa {name!r} nie jest zdefiniowana",
    "magic.error.no_attribute": "obiekt typu {type} nie ma atrybutu {name!r}",
    "magic.error.syntax": "to nie jest poprawny kod Pythona",
    "magic.cannot_evaluate": "%nngraph: nie da się obliczyć {expression!r}: {error}",
    "magic.bad_name": "%nngraph: -o wymaga nazwy zmiennej Pythona, np. mon albo g2, otrzymano {name!r}",
    "magic.cannot_evaluate_line": (
        "%nngraph: nie da się obliczyć {expression!r}: {error};"
        " polecenia to monitor, watch i lang (pomoc: %nngraph?)"
    ),
    # dlaczego wartość `%nngraph EXPR` nie ma grafu (sprawdzenia graph_of, słowami magii)
    "magic.line_number": (
        "%nngraph: {expression} to liczba Pythona ({got}) bez grafu (taka, jaką zwraca"
        " `.item()`): podaj tensor, np. stratę sprzed `.item()`"
    ),
    "magic.line_needs_tensor": (
        "%nngraph: {expression} jest typu {got}, a nie tensorem (ani krotką/listą/słownikiem "
        "tensorów): podaj wynik obliczenia, np. %nngraph loss"
    ),
    "magic.line_integer": (
        "%nngraph: tensory {dtype} (argmax, indeksy, porównania) nigdy nie niosą gradientów, "
        "więc nie mają grafu: podaj tensor zmiennoprzecinkowy, z którego je policzono (wyniki"
        " sprzed argmax, stratę sprzed porównania)"
    ),
    "magic.line_no_history": (
        "%nngraph: ten tensor nie ma historii autogradu, więc nie ma grafu: albo żaden z "
        "tensorów, z których go policzono, nie wymaga gradientu (utwórz dane wejściowe przez "
        "torch.tensor(..., requires_grad=True) albo użyj parametrów modelu), albo policzono go "
        "w torch.no_grad() lub torch.inference_mode() albo odłączono przez .detach() (policz "
        "go z włączonymi gradientami). Żeby zobaczyć operacje bez śledzenia gradientów, dodaj "
        "%%nngraph na początku komórki, która go liczy"
    ),
    "magic.line_statement": (
        "%nngraph: {line!r} to instrukcja, a nie wyrażenie, więc nie została wykonana: "
        "%nngraph przyjmuje wyrażenie i pokazuje jego graf (g = %nngraph {expression} "
        "zapamiętuje graf jako g); żeby nagrać instrukcje, wpisz %%nngraph (dwa %) na "
        "początku komórki, która je wykonuje"
    ),
    # instrukcje, które nie przypisują jednej wartości (`import math`, `x = 1; y = 2`)
    "magic.line_statements": (
        "%nngraph: {line!r} to instrukcja, a nie wyrażenie, więc nie została wykonana: "
        "%nngraph przyjmuje wyrażenie i pokazuje jego graf; żeby nagrać instrukcje, wpisz "
        "%%nngraph (dwa %) na początku komórki, która je wykonuje"
    ),
    # odrzucone wywołanie, które i tak się wykonało: to, co zrobiło, jest zrobione
    "magic.line_call_ran": (
        "%nngraph: {expression} jest typu {got}, a nie tensorem (i już się wykonało: "
        "{effect}): podaj wynik obliczenia, np. %nngraph loss"
    ),
    "magic.ran.step": (
        "krok optymalizatora zmienił już wagi, a krok harmonogramu — współczynnik uczenia"
    ),
    "magic.ran.zero_grad": "gradienty są już wyczyszczone",
    "magic.ran.call": "to, co zmienia, jest już zmienione",
    "magic.line_backward": (
        "%nngraph: .backward() zwraca None, a nie tensor (i już się wykonało: gradienty są "
        "teraz w .grad); żeby zobaczyć graf, wpisz %nngraph {tensor}"
    ),
    "magic.line_backward_again": (
        "%nngraph: {expression} się nie powiodło, bo przejście wstecz dla {tensor} już się "
        "wykonało (zapisane wartości zostały zwolnione), a .backward() i tak zwraca None; żeby "
        "zobaczyć graf, wpisz %nngraph {tensor}"
    ),
    "magic.line_model": (
        "%nngraph: {expression} to model, a model nie ma grafu, dopóki nie zostanie uruchomiony: "
        "dodaj %%nngraph na początku komórki, która uruchamia go na partii danych, albo wywołaj "
        "ng.trace({expression}, x, loss=...)"
    ),
    # bez dodatku [widgets]: widok, który pokazuje magia, jest zamiast tego tekstem
    "magic.no_widgets": (
        "{magic}: widok interaktywny wymaga pakietu {package}, którego ten Python nie może"
        " zaimportować: uruchom w komórce %pip install --upgrade {package}, a potem uruchom"
        " ponownie jądro; do tego czasu wynik jest pokazywany jako tekst"
    ),
    "magic.untracked_loss": (
        "%%nngraph: komórka wykonała przejście wstecz, ale nie dotarło ono do niczego, co"
        " komórka zapisała: strata została obliczona bez autogradu (liczba wyjęta przez .item()"
        " i z powrotem zamieniona w tensor przez torch.tensor(...), wartości po .detach() albo"
        " przejście w przód pod torch.no_grad()), więc za stratą nie stoi żaden graf i żaden"
        " gradient nie dociera do wag modelu; requires_grad=True i loss.requires_grad_(True)"
        " tylko uciszają błąd PyTorcha. Oblicz stratę z włączonym autogradem i zostaw ją"
        " tensorem: loss = loss_fn(model(x), y), bez .item(), torch.tensor(...) i .detach(),"
        " poza `with torch.no_grad():`"
    ),
    "magic.forward_before_some": (
        "%%nngraph: komórka wykonała przejście wstecz, ale nie dotarło ono do niczego, co"
        " komórka zapisała: przejście w przód, które obliczyło stratę, wykonało się we"
        " wcześniejszej komórce, więc nie ma w tym grafie ani jego operacji, ani gradientów."
        " Umieść przejście w przód także w tej komórce (loss = loss_fn(model(x), y), potem"
        " loss.backward())"
    ),
    # `%%nngraph --model X`, którego X nie działał w komórce: który działał, jeśli wiadomo
    "magic.cell.model_idle.none": (
        "%%nngraph: model {model} podany w --model nie został uruchomiony w tej komórce (nie "
        "wywołano żadnej z jego warstw), więc warstwy grafu nie są nazwane według niego. Podaj "
        "w --model model, który uruchamia ta komórka, albo pomiń --model"
    ),
    "magic.cell.model_idle.one": (
        "%%nngraph: model {model} podany w --model nie został uruchomiony w tej komórce (nie "
        "wywołano żadnej z jego warstw); zamiast niego działał {ran}. Aby nazwać warstwy grafu "
        "według modelu, który działał, napisz %%nngraph --model {ran} albo pomiń --model"
    ),
    "magic.cell.model_idle.many": (
        "%%nngraph: model {model} podany w --model nie został uruchomiony w tej komórce (nie "
        "wywołano żadnej z jego warstw); działały modele {ran}. Podaj w --model ten, według "
        "którego nazwać warstwy grafu, albo pomiń --model"
    ),
    "magic.forward_before": (
        "%%nngraph: komórka wykonała przejście wstecz, ale przejście w przód, które obliczyło "
        "stratę, wykonało się we wcześniejszej komórce, więc nie ma grafu: umieść przejście "
        "w przód także w tej komórce (loss = loss_fn(model(x), y), potem loss.backward())"
    ),
    "magic.nothing_recorded": "%%nngraph: komórka nie wykonała żadnej operacji PyTorch, więc nie ma grafu",
    # komórka, która trenuje wiele kroków: jej graf zawiera każdy krok (nigdy 1 przejście)
    "magic.cell.passes.few": (
        "%%nngraph: komórka wykonała {passes} przejścia wstecz (backward) i graf zawiera je "
        "wszystkie ({nodes}): aby zobaczyć jeden krok uczenia, dodaj %%nngraph do komórki, "
        "która wykonuje jeden krok, np. do treści pętli dla jednej partii danych"
    ),
    "magic.cell.passes.many": (
        "%%nngraph: komórka wykonała {passes} przejść wstecz (backward) i graf zawiera "
        "je wszystkie ({nodes}): aby zobaczyć jeden krok uczenia, dodaj %%nngraph do komórki, "
        "która wykonuje jeden krok, np. do treści pętli dla jednej partii danych"
    ),
    "magic.monitor_replaced": (
        "%nngraph monitor: poprzedni {name} zapisał {epochs}; {name} to teraz nowy, pusty "
        "monitor (aby kolejny przebieg uczenia był osobno, nadaj mu inną nazwę: -o {other})"
    ),
    "magic.created": "{name} = {what}",
    "magic.would_replace_builtin": (
        "%nngraph: -o {name} zasłoniłoby wbudowane w Pythona {name} i późniejsze komórki, które"
        " go używają, przestałyby działać; wybierz inną nazwę, np. -o {other}"
    ),
    "magic.would_replace": (
        "%nngraph: -o {name} zastąpiłoby twoją zmienną {name} (typu {type_name}); wybierz inną "
        "nazwę, np. -o {other}"
    ),
    # błędy magii komórkowej mówią %%nngraph; komunikaty argparse i shlex, przetłumaczone
    "magic.cell.empty": (
        "%%nngraph nagrywa kod swojej komórki, a w tej komórce nie ma kodu pod linią %%nngraph: "
        "wpisz pod nią kod do nagrania (przejście w przód i stratę) albo użyj %nngraph WYRAŻENIE "
        "(jeden %), żeby zobaczyć graf jednego wyrażenia (pomoc: %nngraph?)"
    ),
    "magic.cell.bad_arguments": "%%nngraph: {error} (pomoc: %nngraph?)",
    "magic.cell.cannot_evaluate": "%%nngraph: nie da się obliczyć {expression!r}: {error}",
    "magic.cell.bad_name": (
        "%%nngraph: -o wymaga nazwy zmiennej Pythona, np. g albo g2, otrzymano {name!r}"
    ),
    "magic.cell.output_assigned": (
        "%%nngraph: -o {name} zastąpiłoby zmienną {name}, którą ta komórka przypisuje, więc "
        "komórka nie została wykonana; wybierz inną nazwę, np. -o {other}"
    ),
    "magic.monitor_mode_against_name.min": (
        "%nngraph monitor: --mode max wybiera jako najlepszą epokę tę z najwyższą wartością"
        " {metric!r}, ale {metric!r} to nazwa straty albo błędu, gdzie lepsza jest niższa"
        " wartość; użyj --mode min albo pomiń --mode, a wtedy rozstrzygnie nazwa, chyba że"
        " naprawdę lepsza jest wyższa"
    ),
    "magic.monitor_mode_against_name.max": (
        "%nngraph monitor: --mode min wybiera jako najlepszą epokę tę z najniższą wartością"
        " {metric!r}, ale {metric!r} to nazwa dokładności albo wyniku, gdzie lepsza jest wyższa"
        " wartość; użyj --mode max albo pomiń --mode, a wtedy rozstrzygnie nazwa, chyba że"
        " naprawdę lepsza jest niższa"
    ),
    "magic.monitor_mode_unknown": (
        "%nngraph monitor: z nazwy metryki {metric!r} nie wynika, czy lepsza jest wyższa, czy"
        " niższa wartość, więc jest traktowana jak strata (lepsza niższa), a najlepsza epoka"
        " to ta z najniższą wartością; dla dokładności albo innego wyniku dodaj --mode max,"
        " a --mode min, żeby zostawić ją stratą bez tego ostrzeżenia"
    ),
    "magic.cell.would_replace_builtin": (
        "%%nngraph: -o {name} zasłoniłoby wbudowane w Pythona {name} i późniejsze komórki, które"
        " go używają, przestałyby działać; wybierz inną nazwę, np. -o {other}"
    ),
    "magic.cell.would_replace": (
        "%%nngraph: -o {name} zastąpiłoby twoją zmienną {name} (typu {type_name}); wybierz "
        "inną nazwę, np. -o {other}"
    ),
    "magic.parse.unrecognized": "nieznane argumenty: {arguments}",
    "magic.parse.invalid_choice": (
        "argument {argument}: niedozwolona wartość {value} (do wyboru: {choices})"
    ),
    "magic.parse.required.one": "brakuje wymaganego argumentu: {arguments}",
    "magic.parse.required.many": "brakuje wymaganych argumentów: {arguments}",
    "magic.parse.expected_one": "argument {argument}: brakuje wartości (oczekiwano jednej)",
    "magic.parse.ignored_value": (
        "argument {argument}: ta opcja nie przyjmuje wartości, a podano {value}"
    ),
    "magic.parse.ambiguous": "niejednoznaczna opcja: {option} pasuje do {matches}",
    "magic.parse.did_you_mean": "; czy chodziło o {options}?",
    "magic.parse.no_closing_quotation": "brakuje cudzysłowu zamykającego",
    "magic.parse.no_escaped_character": "ukośnik wsteczny \\ na końcu nie poprzedza żadnego znaku",
    # monitor: błędy i ostrzeżenia
    "monitor.error.positive": "{what} musi być liczbą dodatnią, otrzymano {value}",
    "monitor.error.positive_int": "{what} musi być dodatnią liczbą całkowitą, otrzymano {value}",
    "monitor.error.nonnegative": "{what} musi być zerem albo liczbą dodatnią, otrzymano {value}",
    "monitor.error.relative_min_delta": (
        "przy relative=True min_delta to ułamek najlepszej wartości (min_delta=0.01 to 1%),"
        " więc min_delta={value!r} wymaga, by każda poprawa wynosiła co najmniej {value:.0%}"
        " najlepszej wartości: strata nigdy tyle nie spadnie. Dla {value:g}% napisz"
        " min_delta={fraction}"
    ),
    "monitor.detector_other_name": (
        "nngraph {detector}: obserwuje {metric!r}, ale update() dostaje wartości walidacyjne "
        "tylko jako {logged}, więc niczego nie oceni. Obserwuj nazwę, którą zapisujesz: "
        "{again}(..., metric={other!r}), albo zapisuj tę wartość jako {metric}"
    ),
    "monitor.error.gap_never": (
        "Gap({threshold}, metric={metric!r}) nigdy by nie ostrzegł: im wyższa wartość "
        "{metric}, tym lepiej, więc przy relative=True luka to (trening - walidacja) / trening, "
        "najwyżej 1 (100%), dopóki walidacja jest nieujemna. Podaj mniejszy ułamek "
        "(Gap(0.1, metric={metric!r}): walidacja 10% poniżej treningu) albo relative=False dla "
        "luki w punktach (Gap(0.1, relative=False, metric={metric!r}))"
    ),
    "monitor.error.whole": (
        "{what} musi być nieujemną liczbą całkowitą (0, 1, 2, ...), otrzymano {value}"
    ),
    "monitor.error.number": "{what} musi być skończoną liczbą, otrzymano {value}",
    "monitor.error.not_number": "{what} musi być liczbą, otrzymano {got}",
    "monitor.error.number_text": (
        "{what} musi być liczbą, otrzymano tekst {value!r}: napisz {number} bez cudzysłowu"
    ),
    "monitor.error.metrics": (
        "metrics musi zawierać nazwy metryk, np. metrics=('loss', 'val_loss') albo "
        "metrics='val_loss', otrzymano {got!r}"
    ),
    "monitor.error.max_points": (
        "max_points musi być liczbą całkowitą od {minimum} do {maximum:,} (najwięcej punktów "
        "przechowywanych dla każdej krzywej; większa liczba tylko zajmuje więcej pamięci), "
        "np. max_points=10000; otrzymano {value!r}"
    ),
    "monitor.error.mode": "mode musi być 'min', 'max' albo 'auto', otrzymano {value!r}",
    "monitor.error.display": (
        "display musi być 'auto', 'text', 'widget' albo False, otrzymano {value!r}"
    ),
    "monitor.error.metric_name": (
        "metric musi być nazwą zapisywanej metryki (napisem, który nie jest pusty, nie składa "
        "się z samych spacji ani nie jest samym przedrostkiem, takim jak 'val_'), np. "
        "metric='val_loss' albo metric='val_acc'; otrzymano {value!r}"
    ),
    "monitor.error.name": (
        "name musi być napisem (nazwą przebiegu w tabelach i na wykresie), np. name='lr=0.1', "
        "albo None; otrzymano {value!r}"
    ),
    "monitor.error.detector_metric": (
        "{what} musi być nazwą metryki, np. 'val_loss', otrzymano {value!r}"
    ),
    "monitor.error.prechelt_max": (
        "{detector} jest zdefiniowany dla straty albo błędu (im mniej, tym lepiej), a dla metryki "
        "{metric!r} im więcej, tym lepiej: użyj dla niej Patience(metric={metric!r}, mode='max') "
        "albo podaj {detector} stratę, np. metric='val_loss'"
    ),
    "monitor.error.divergence_max": (
        "{detector} wykrywa stratę, która gwałtownie rośnie (im mniej, tym lepiej), a dla"
        " metryki {metric!r} im więcej, tym lepiej: wzrost {metric} to dobra wiadomość, a"
        " nie rozbieżność treningu. Pomiń {keyword}= (wtedy obserwowana jest każda nazwa "
        "straty) albo podaj stratę, np. {keyword}='val_loss'; aby zatrzymać trening, gdy "
        "{metric} przestaje się poprawiać, użyj Patience(metric={metric!r}, mode='max')"
    ),
    "monitor.error.detectors": (
        "detectors muszą być obiektami Detector, np. ng.detectors.Patience(10) "
        "(zobacz ng.detectors), otrzymano {got!r}"
    ),
    "monitor.error.detectors_optimizer": (
        "ng.Monitor nie potrzebuje optymalizatora (otrzymano {got} w miejscu detektorów:"
        " Monitor(model, detectors)): obserwuje metryki, które zapisujesz przez mon.log(...)."
        " Pomiń go: ng.Monitor(model). Normy gradientów pokaże ng.GradientWatch(model,"
        " optimizer=opt)"
    ),
    "monitor.error.detector_class": (
        "detectors muszą być obiektami Detector, a otrzymano klasę {name}: utwórz z niej "
        "detektor, np. {name}(...) z wybranymi ustawieniami, tak jak ng.detectors.Patience(10)"
    ),
    "monitor.error.detectors_none": (
        "mon.detectors musi być listą detektorów, a otrzymano None: ustaw [], aby nie używać "
        "żadnego, albo ng.detectors.classroom(), aby użyć zestawu domyślnego"
    ),
    "monitor.error.no_metrics": (
        "log() potrzebuje co najmniej jednej metryki, np. mon.log(epoch, loss=0.5)"
    ),
    "monitor.error.log_metric_name": (
        "metoda log() otrzymała metrykę o nazwie {name!r}: nazwa metryki musi mówić, co ona "
        "mierzy, "
        "więc nie może być pusta, złożona z samych spacji ani być samym przedrostkiem, takim "
        "jak 'val_'; np. mon.log(epoch, loss=0.5, val_loss=0.6)"
    ),
    "monitor.error.metric_type": (
        "{name}={value!r} nie jest liczbą: log() przyjmuje liczby (float, int) albo tensory "
        "z jednym elementem, np. mon.log(epoch, loss=loss.item())"
    ),
    "monitor.error.metric_none": (
        "{name}=None nie jest liczbą. Metrykę bez wartości w tym wywołaniu pomija się w nim: "
        "zapisuj ją osobnym wywołaniem wtedy, gdy jest, np. mon.log(epoch, loss=loss) w każdej "
        "epoce i mon.log(epoch, {name}=wartosc) w epokach, które ją mają"
    ),
    "monitor.error.tensor_size": (
        "{name} to tensor z {numel} elementami: zapisuj jedną liczbę na metrykę, "
        "np. {name}=t.mean()"
    ),
    "monitor.error.complex": (
        "{name} jest tensorem zespolonym ({value}): zapisuj liczbę rzeczywistą, np. "
        "{name}=z.abs() albo {name}=z.real"
    ),
    "monitor.error.step": (
        "krok musi być skończoną liczbą (numerem epoki albo partii danych), otrzymano {step!r}"
    ),
    "monitor.error.step_twice": (
        "w log() podano numer kroku więcej niż raz ({given}): podaj go tylko raz, np. "
        "mon.log(10, loss=0.5) albo mon.log(step=10, loss=0.5). Zapisujesz partie danych razem"
        " z epoką? Podaj samą epokę, jako ułamek: mon.log(epoch=e - 1 + (i + 1) / n, loss=...)"
        " dla partii i (licząc od 0) z n w epoce e (licząc od 1), a potem"
        " mon.log(epoch=e, val_loss=...)"
    ),
    "monitor.error.epoch_back": (
        "epoch={epoch} cofa się: ostatnia zapisana epoka to {last}. Jeden Monitor śledzi jeden "
        "przebieg treningu: utwórz nowy ng.Monitor() dla nowego przebiegu (ponownie uruchomiona "
        "komórka treningu, nowy model) albo numeruj epoki dalej (epoch={next}, ...)"
    ),
    "monitor.error.epoch_negative": (
        "epoch={epoch} jest ujemne: epoki numeruje się od 0 albo od 1 (epoch=0, 1, 2, ...)"
    ),
    "monitor.error.epoch_range": (
        "epoch={epoch} to za duża liczba: numer epoki może wynosić co najwyżej {limit:,}. "
        "Podaj "
        "numer epoki (1, 2, 3, ...); liczbę partii danych podaje się jako krok: "
        "mon.log(step, loss=0.5)"
    ),
    "monitor.error.stop_reason": (
        "request_stop(reason) przyjmuje powód jako tekst, a otrzymano {got}: napisz go "
        "zdaniem, razem z liczbami, np. mon.request_stop('strata walidacyjna stoi na 0,42')"
    ),
    "monitor.error.history_name": (
        "history() przyjmuje jedną nazwę (napis), np. history({example!r}), a otrzymano {got}: "
        "wywołaj ją osobno dla każdej nazwy"
    ),
    "monitor.error.no_best_finite": (
        "nie ma najlepszych wag do przywrócenia: każda dotychczasowa wartość {metric} była NaN "
        "lub nieskończona, więc żadna epoka nie była najlepsza. Trening się rozbiegł albo dane "
        "zawierają NaN: sprawdź dane wejściowe i spróbuj mniejszego współczynnika uczenia"
    ),
    "monitor.weights.extra_state": (
        "Monitor(model=...) nie może zachować kopii {name}: get_extra_state() modelu zwraca "
        "obiekt {type_name}, którego nie da się skopiować ({exc}). Niech get_extra_state() "
        "zwraca zwykłe dane (liczby, listy, słowniki, tensory)"
    ),
    "monitor.gl.from_zero": (
        "{metric} wynosi teraz {value:.4g}, więcej niż najlepsza wartość {best:.4g} z epoki "
        "{best_epoch}: model radzi sobie coraz gorzej na danych, na których się nie uczy. "
        "{advice}"
    ),
    "monitor.pq.from_zero": (
        "{metric} wynosi teraz {value:.4g}, więcej niż najlepsza wartość {best:.4g}, a "
        "{training}. {reading}"
    ),
    "monitor.error.not_logged": "nie zapisano jeszcze metryki {metric!r}; zapisane: {logged}",
    "monitor.error.no_best": (
        "nie ma najlepszych wag do przywrócenia: {why}. Przekaż Monitor(model=model) i zapisuj "
        "{metric} przez log()"
    ),
    "monitor.error.no_best_other": (
        "nie ma najlepszych wag do przywrócenia: monitor zachowuje wagi z epoki, w której"
        " obserwowana metryka, {metric}, jest najlepsza, a {metric} nigdy nie zapisano"
        " (zapisano: {logged}). Aby zachować najlepsze wagi według {other}, utwórz monitor z tą"
        " metryką przed treningiem, mon = ng.Monitor(model=model, metric={other!r}), i wytrenuj"
        " model od nowa."
    ),
    "monitor.error.no_best_unlogged": (
        "nie ma najlepszych wag do przywrócenia: {why}. Zapisuj {metric} w każdej epoce, np. "
        "mon.log(epoch, {metric}=...), albo wybierz metrykę, którą zapisujesz: "
        "Monitor(model=model, metric=...)"
    ),
    "monitor.why.no_model": "Monitor utworzono bez model=",
    "monitor.why.no_metric": "nie zapisano jeszcze żadnej wartości {metric}",
    "monitor.error.earlier_model": (
        "nie ma najlepszych wag do przywrócenia dla tego modelu: najlepszy wynik {metric} "
        "(epoka {epoch}) padł, zanim ten model przekazano monitorowi (mon.model), więc tamte "
        "wagi należą do wcześniejszego modelu, a ten jeszcze go nie pobił. Trenuj go dalej: "
        "zachowane zostaną wagi z jego następnej najlepszej epoki; albo daj każdemu nowemu "
        "modelowi własny monitor, ng.Monitor(model=model)"
    ),
    "monitor.error.stale_best": (
        "wagi zachowane dla najlepszego wyniku {metric} (epoka {epoch}) nie są najlepsze: model"
        " obserwowany przez ten monitor (ten przekazany w Monitor(model=...) przy tworzeniu"
        " monitora) nie zmienił się od epoki {since}, więc ten wynik osiągnął inny, trenowany"
        " obiekt modelu. Zachowane wagi należą do starego modelu, dlatego nie zostaną"
        " przywrócone. Utwórz nowy monitor dla nowego modelu, ng.Monitor(model=twoj_model), i"
        " wytrenuj go ponownie; albo przekaż nowy model temu monitorowi przez jego atrybut model"
        " (.model = twoj_model) i trenuj dalej: zachowane zostaną wagi z jego następnej"
        " najlepszej epoki"
    ),
    "monitor.error.untouched_best": (
        "wagi zachowane dla najlepszego wyniku {metric} (epoka {epoch}) nie należą do tego"
        " modelu: ten monitor obserwuje inny obiekt modelu (ten przekazany w Monitor(model=...)"
        " przy tworzeniu monitora), który od tamtej pory się nie zmienił, choć metryka {metric}"
        " się zmieniała, więc to wagi, z którymi go utworzono. Czy komórka, która tworzy model,"
        " została uruchomiona ponownie już po utworzeniu monitora? Utwórz nowy monitor dla"
        " trenowanego modelu, ng.Monitor(model=twoj_model), i wytrenuj go ponownie; albo przekaż"
        " go temu monitorowi przez jego atrybut model (.model = twoj_model) i trenuj dalej:"
        " zachowane zostaną wagi z jego następnej najlepszej epoki"
    ),
    "monitor.warn.untouched_restore": (
        "nngraph Monitor: model obserwowany przez ten monitor (ten przekazany w"
        " Monitor(model=...) przy tworzeniu monitora) się nie zmienił, choć metryka {metric} się"
        " zmieniała, więc wagi zachowane dla najlepszego wyniku {metric} (epoka {epoch}) i"
        " przywrócone teraz to te, z którymi go utworzono. Jeśli trenowany był inny obiekt modelu"
        " (komórka, która tworzy model, uruchomiona ponownie po utworzeniu monitora), ten model"
        " zachowuje swoje ostatnie wagi: utwórz dla niego nowy monitor,"
        " ng.Monitor(model=twoj_model), i wytrenuj go ponownie."
    ),
    "monitor.watched.model_unchanged": (
        "nngraph Monitor: model obserwowany przez ten monitor nie zmienił się od epoki {since},"
        " a metryka {metric} zmieniła się z {before:.4g} na {now:.4g}: trenowany jest inny obiekt"
        " modelu. Czy komórka, która tworzy model, została uruchomiona ponownie już po"
        " utworzeniu monitora? Monitor wciąż obserwuje stary model (ten przekazany w"
        " Monitor(model=...)), więc jako najlepsze zachowałby wagi starego modelu. Utwórz nowy"
        " monitor dla nowego modelu, ng.Monitor(model=twoj_model), albo przekaż nowy model temu"
        " monitorowi przez jego atrybut model (.model = twoj_model). Do tego czasu jego"
        " detektory milczą: krzywa łączy dwa modele, a skok w miejscu, gdzie zaczyna się nowy,"
        " nie mówi nic o współczynniku uczenia ani o przeuczeniu."
    ),
    "monitor.error.not_module": "{what} potrzebuje modelu torch.nn.Module, otrzymano {type_name}",
    "monitor.error.listener": "add_listener() potrzebuje funkcji, otrzymano {got!r}",
    "monitor.error.capacity": "pojemność Series musi wynosić co najmniej {minimum} punktów",
    "monitor.error.add_event": (
        "add_event() przyjmuje ng.detectors.Event (to, co zwraca update() detektora), "
        "otrzymano {got}; detektor przekazuje się monitorowi: ng.Monitor(detectors=[...])"
    ),
    "monitor.error.event_field": (
        "add_event() potrzebuje obiektu Event, w którym {field} to {wanted}, otrzymano {got}; "
        "nic nie zostało dodane"
    ),
    "monitor.error.event_wants.finite": "liczba skończona (numer epoki lub partii)",
    "monitor.error.event_wants.whole": "liczba całkowita",
    "monitor.error.event_wants.flag": "True albo False",
    "monitor.error.event_wants.text": "tekst (str)",
    "monitor.error.event_wants.unit": "'epoch' albo 'step'",
    "monitor.error.event_wants.values": "słownik, którego klucze są tekstami (str)",
    "monitor.error.event_wants.value": "liczba, tekst albo None",
    "monitor.error.positional": (
        "{call}() przyjmuje według pozycji tylko ({names}), a po nich otrzymano {got}: pozostałe "
        "opcje podaj z nazwą, np. {example}"
    ),
    "monitor.error.log_positional": (
        "log() przyjmuje według pozycji tylko krok, a metryki z nazwą, otrzymano {got}: podaj "
        "metryki jako argumenty nazwane: mon.log(epoch, **metrics) albo mon.log(epoch, loss=...)"
    ),
    "monitor.error.no_data_metric": (
        "{name} to tensor bez wartości (na urządzeniu meta albo parametr leniwej warstwy przed "
        "pierwszym przejściem w przód): nie ma czego zapisać. Oblicz go modelem i danymi na CPU "
        "albo GPU"
    ),
    "monitor.error.no_weights": (
        "nie ma wag do przywrócenia: ten model nie ma parametrów ani buforów widocznych dla "
        "PyTorcha (model.state_dict() jest pusty). Warstwy trzymane w zwykłej liście lub "
        "słowniku Pythona są dla niego niewidoczne: umieść je w nn.ModuleList albo "
        "nn.ModuleDict; tensor utworzony ręcznie staje się wagą modelu jako nn.Parameter(...)"
    ),
    "monitor.error.no_data_best": (
        "nie ma najlepszych wag do przywrócenia: gdy wartość {metric} była najlepsza "
        "(epoka {epoch}), wagi modelu nie miały wartości (na urządzeniu meta albo leniwe "
        "warstwy, np. nn.LazyLinear, przed pierwszym przejściem w przód), więc nie dało "
        "się ich zachować. Uruchom model na prawdziwych danych (CPU albo GPU) przed "
        "zapisywaniem metryk: następna najlepsza epoka po tym zostanie zachowana"
    ),
    "monitor.error.csv_path": (
        "to_csv() potrzebuje nazwy pliku, np. 'run.csv', albo obiektu pathlib.Path, otrzymano {got}"
    ),
    "monitor.error.copy": (
        "Monitora nie można skopiować (copy.copy, copy.deepcopy) ani zapisać przez pickle czy"
        " torch.save: to żywy przebieg, z widokiem, słuchaczami i zegarami. Zapisz zamiast tego"
        " to, co przechowuje: historię przez mon.records() (lista słowników, jeden na wiersz"
        " logu) albo mon.to_csv('run.csv'), najlepszą epokę przez mon.best, a najlepsze wagi"
        " przez mon.restore_best(model), a potem torch.save(model.state_dict(), 'best.pt')"
    ),
    "monitor.error.helper_number": "{function}() potrzebuje liczb: {what} to {value!r}",
    "monitor.error.strip": (
        "training_progress() potrzebuje listy błędów treningowych, po jednym na epokę odcinka, "
        "np. training_progress([1.2, 1.1, 1.0]); otrzymano {value!r}"
    ),
    "monitor.warn.listener": (
        "nngraph: słuchacz monitora zgłosił błąd ({exc}), więc został odłączony."
    ),
    "monitor.error.best_attribute": (
        "Monitor nie ma atrybutu {name!r}: najlepsza epoka to mon.best.epoch, jej wartość"
        " mon.best.value, a jej krok mon.best.step (mon.best jest None, dopóki metryka nie"
        " zostanie zapisana)"
    ),
    "monitor.runs.warn.mode_against_name.min": (
        'nngraph Runs: mode="max" ogłasza zwycięzcą przebieg z najwyższą wartością {metric!r},'
        " a najlepszą epoką każdego przebiegu tę z najwyższą, ale {metric!r} to nazwa straty"
        ' albo błędu, gdzie lepsza jest niższa wartość; podaj mode="min" albo pomiń mode, a'
        " wtedy rozstrzygnie nazwa, chyba że naprawdę lepsza jest wyższa."
    ),
    "monitor.runs.warn.mode_against_name.max": (
        'nngraph Runs: mode="min" ogłasza zwycięzcą przebieg z najniższą wartością {metric!r},'
        " a najlepszą epoką każdego przebiegu tę z najniższą, ale {metric!r} to nazwa"
        ' dokładności albo wyniku, gdzie lepsza jest wyższa wartość; podaj mode="max" albo'
        " pomiń mode, a wtedy rozstrzygnie nazwa, chyba że naprawdę lepsza jest niższa."
    ),
    "monitor.patience.warn.mode_against_name.min": (
        'nngraph Patience: mode="max" uznaje wyższą wartość {metric!r} za poprawę, ale'
        " {metric!r} to nazwa straty albo błędu, gdzie im niżej, tym lepiej: zatrzymałby"
        ' trening, w którym strata wciąż spada; podaj mode="min" albo pomiń mode, a wtedy'
        " rozstrzygnie nazwa, chyba że naprawdę im wyżej, tym lepiej."
    ),
    "monitor.patience.warn.mode_against_name.max": (
        'nngraph Patience: mode="min" uznaje niższą wartość {metric!r} za poprawę, ale'
        " {metric!r} to nazwa dokładności albo wyniku, gdzie im wyżej, tym lepiej:"
        ' zatrzymałby trening, w którym dokładność wciąż rośnie; podaj mode="max" albo pomiń'
        " mode, a wtedy rozstrzygnie nazwa, chyba że naprawdę im niżej, tym lepiej."
    ),
    "monitor.patience.warn.mode_unknown": (
        "nngraph Patience: z nazwy metryki {metric!r} nie wynika, czy im wyżej, tym lepiej, czy"
        " odwrotnie, więc jest traktowana jak strata: za poprawę liczy się tylko niższa"
        ' wartość; dla dokładności albo innego wyniku podaj mode="max", a mode="min", żeby'
        " zostawić ją stratą bez tego ostrzeżenia."
    ),
    "monitor.warn.mode_against_name.min": (
        'nngraph Monitor: mode="max" wybiera jako najlepszą epokę tę z najwyższą wartością'
        " {metric!r}, ale {metric!r} to nazwa straty albo błędu, gdzie lepsza jest niższa"
        ' wartość; podaj mode="min" albo pomiń mode, a wtedy rozstrzygnie nazwa, chyba że'
        " naprawdę lepsza jest wyższa."
    ),
    "monitor.warn.mode_against_name.max": (
        'nngraph Monitor: mode="min" wybiera jako najlepszą epokę tę z najniższą wartością'
        " {metric!r}, ale {metric!r} to nazwa dokładności albo wyniku, gdzie lepsza jest wyższa"
        ' wartość; podaj mode="max" albo pomiń mode, a wtedy rozstrzygnie nazwa, chyba że'
        " naprawdę lepsza jest niższa."
    ),
    "monitor.warn.mode_unknown": (
        "nngraph Monitor: z nazwy metryki {metric!r} nie wynika, czy lepsza jest wyższa, czy"
        " niższa wartość, więc jest traktowana jak strata (lepsza niższa), a najlepsza epoka to"
        ' ta z najniższą wartością; dla dokładności albo innego wyniku podaj mode="max",'
        ' a mode="min", żeby zostawić ją stratą bez tego ostrzeżenia.'
    ),
    "monitor.warn.view": "nngraph: widok na żywo jest niedostępny ({exc}); wypisuję tekst.",
    "monitor.param.pq_k": "długość odcinka k w PQ",
    "monitor.param.gl_alpha": "alpha w GL",
    "monitor.param.pq_alpha": "alpha w PQ",
    "monitor.param.gap_threshold": "próg (threshold) w Gap",
    "monitor.param.gap_patience": "cierpliwość (patience) w Gap",
    "monitor.param.divergence_threshold": "próg (threshold) w Divergence",
    "monitor.param.divergence_factor": "krotność (factor) w Divergence",
    "monitor.param.gap_relative": "względność (relative) w Gap",
    "monitor.param.patience": "cierpliwość (patience)",
    "monitor.param.min_delta": "minimalna poprawa (min_delta)",
    "monitor.param.relative": "względność (relative)",
    "monitor.param.watch_vanishing": "próg zanikania (vanishing) w GradientWatch",
    "monitor.param.watch_ratio": "stosunek (ratio) w GradientWatch",
    "monitor.param.watch_exploding": "próg eksplozji (exploding) w GradientWatch",
    "monitor.param.watch_patience": "cierpliwość (patience) w GradientWatch",
    "monitor.error.pq_k1": (
        "PQ potrzebuje odcinka o długości co najmniej 2 epok, podano k=1: w 1 epoce "
        "postęp treningu P_1 = 1000 * (E / E - 1) zawsze wynosi 0, niezależnie od "
        "przebiegu treningu. Prechelt używa k=5: PQ(0.5, k=5)"
    ),
    "monitor.param.up_s": "s w UP (liczba kolejnych odcinków)",
    "monitor.param.up_k": "długość odcinka k w UP",
    "monitor.param.print_interval": "Monitor print_interval (w sekundach)",
    "monitor.param.flush_interval": "Monitor flush_interval (w sekundach)",
    "monitor.warn.metric_missing": (
        "nngraph Monitor: obserwowana metryka {metric!r} nie została ani razu zapisana "
        "(zapisane: {logged}), więc nic nie zatrzyma treningu wcześniej ani nie przywróci "
        "najlepszych wag. Zapisuj ją pod tą nazwą albo podaj w Monitorze nazwę, pod którą ją "
        "zapisujesz: Monitor(metric='twoja_nazwa')."
    ),
    "monitor.warn.metric_missing_one": (
        "nngraph Monitor: obserwowana metryka {metric!r} nie została ani razu zapisana"
        " (zapisane: {logged}), więc nic nie może wcześniej zatrzymać treningu ani przywrócić"
        " najlepszych wag. Zapisuj ją pod tą nazwą albo obserwuj zapisywaną metrykę walidacyjną:"
        " Monitor(metric={close!r})."
    ),
    "monitor.warn.same_data": (
        "nngraph Monitor: w każdej z {epochs} dotychczasowych epok {metric} była tą samą liczbą"
        " co {train} (z dokładnością do 0,1% albo co {train} następnej epoki, którą dały te"
        " same wagi). Czy walidacja nie jest liczona na danych treningowych? Waliduj na"
        " przykładach, na których model się nie uczy: tylko na nich widać oznaki przeuczenia"
        " (ang. overfitting)."
    ),
    "monitor.warn.validation_training_mode": (
        "nngraph Monitor: walidacja przebiegła z modelem w trybie treningu (bez model.eval()"
        " przed nią): jego {modules} {act} jak podczas treningu ({effects}), więc strata"
        " walidacyjna jest zaszumiona i nie jest tą, którą model daje w użyciu, a detektory i"
        " najlepsza epoka są oceniane na jej podstawie. Wywołaj model.eval() przed walidacją,"
        " a model.train() przed dalszym treningiem."
    ),
    "monitor.validation_mode.dropout": "Dropout wyłącza losowo wybrane jednostki",
    "monitor.validation_mode.norm": (
        "BatchNorm normalizuje każdą partię jej własnymi statystykami i aktualizuje statystyki"
        " bieżące danymi walidacyjnymi"
    ),
    # strata pod nazwą entropii krzyżowej, która spada poniżej 0 bez ograniczenia
    # (nngraph/monitor/_negative_loss.py): _maybe dla nazwy, która może być inną stratą
    "monitor.warn.negative_loss": (
        "nngraph Monitor: wartość {name!r} ({metric}) spadła poniżej 0 i spada dalej, nie"
        " wyhamowując ({start:.4g} {epochs} temu, teraz {now:.4g}), a entropia krzyżowa"
        " nigdy nie jest ujemna, więc ta strata nie dostaje tego, czego oczekuje. Najczęściej to"
        " nn.NLLLoss (F.nll_loss) na surowych wynikach (logitach): oczekuje ona logarytmów"
        " prawdopodobieństw i bierze tylko wartość właściwej klasy ze zmienionym znakiem, więc"
        " na surowych wynikach trening podbija ten wynik bez końca. Dodaj przed nią"
        " F.log_softmax(scores, dim=1) (albo nn.LogSoftmax(dim=1) jako ostatnią warstwę) albo"
        " podaj surowe wyniki nn.CrossEntropyLoss, która sama nakłada log-softmax."
        " ng.trace(model, x, loss=...).health() wskaże warstwę, która podaje dane stracie."
    ),
    "monitor.warn.negative_loss_maybe": (
        "nngraph Monitor: wartość {name!r} ({metric}) spadła poniżej 0 i spada dalej, nie"
        " wyhamowując ({start:.4g} {epochs} temu, teraz {now:.4g}). Jeśli to strata"
        " klasyfikacji (nn.NLLLoss, F.nll_loss albo entropia krzyżowa), nigdy nie jest ujemna:"
        " najpewniej nn.NLLLoss dostaje surowe wyniki (logity). Oczekuje ona logarytmów"
        " prawdopodobieństw i bierze tylko wartość właściwej klasy ze zmienionym znakiem, więc"
        " na surowych wynikach trening podbija ten wynik bez końca. Dodaj przed nią"
        " F.log_softmax(scores, dim=1) (albo nn.LogSoftmax(dim=1) jako ostatnią warstwę) albo"
        " podaj surowe wyniki nn.CrossEntropyLoss, która sama nakłada log-softmax;"
        " ng.trace(model, x, loss=...).health() wskaże warstwę, która podaje dane stracie. Strata,"
        " która może być ujemna (gaussowska NLL, ujemne ELBO, twoja własna), jest w porządku:"
        " wtedy pomiń to ostrzeżenie."
    ),
    "monitor.warn.watched_per_batch": (
        "nngraph Monitor: obserwowana metryka {metric!r} jest zapisywana więcej niż raz w epoce "
        "{epoch}. Każde wywołanie jest oceniane jako osobny pomiar, więc detektory liczą partie "
        "(Patience zatrzyma trening po tylu partiach bez poprawy), a najlepsza wartość to "
        "najszczęśliwsza partia. Zapisuj średnią z epoki raz na epokę, mon.log(epoch=epoch, "
        "{metric}=srednia_z_epoki), albo obserwuj stratę walidacyjną."
    ),
    "monitor.warn.detector_metric_missing": (
        "nngraph Monitor: {detector} obserwuje metrykę {metric!r}, która nie została ani razu "
        "zapisana (zapisane: {logged}), więc milczy. Podaj mu nazwę, której używasz: "
        "metric='twoja_nazwa'."
    ),
    "monitor.warn.metric_close_test": (
        "nngraph Monitor: obserwowana metryka {metric!r} nie została jeszcze zapisana "
        "(zapisane: {logged}): czy chodziło o {close!r}? Dopóki jej nie ma, nic nie zatrzyma "
        "treningu wcześniej ani nie przywróci najlepszych wag. Jeśli {close!r} liczysz na "
        "danych odłożonych do wyboru epoki (zbiorze walidacyjnym), zapisuj ją jako {metric!r}; "
        "zbiór testowy jest tylko na koniec, gdy epoka jest już wybrana: wybór według niego "
        "sprawia, że jego wynik wygląda lepiej, niż jest."
    ),
    "monitor.warn.metric_close": (
        "nngraph Monitor: obserwowana metryka {metric!r} nie została jeszcze zapisana "
        "(zapisane: {logged}): czy chodziło o {close!r}? Dopóki jej nie ma, nic nie zatrzyma "
        "treningu wcześniej ani nie przywróci najlepszych wag. Podaj w Monitorze nazwę, pod "
        "którą zapisujesz metrykę, Monitor(metric={close!r}), albo zapisuj tę metrykę pod "
        "nazwą {metric!r}."
    ),
    "monitor.warn.detector_metric_close": (
        "nngraph Monitor: {detector} obserwuje metrykę {metric!r}, która nie została jeszcze "
        "zapisana (zapisane: {logged}): czy chodziło o {close!r}? Dopóki jej nie ma, milczy. "
        "Podaj mu nazwę, której używasz: metric={close!r}."
    ),
    "monitor.warn.detector_train_missing": (
        "nngraph Monitor: {detector} porównuje metrykę {metric!r} z metryką treningową o jednej "
        "z nazw {twins}, która nie została ani razu zapisana (zapisane: {logged}), więc milczy. "
        "Zapisuj metrykę treningową pod jedną z tych nazw albo podaj nazwę, której używasz: "
        "train_metric='twoja_nazwa'."
    ),
    "monitor.warn.steps_are_epochs": (
        "nngraph Monitor: walidacja przyszła w krokach {first} i {second}, więc liczą się one"
        " jako epoki {as_first} i {as_second}: każda walidacja kończy epokę, bo krok może liczyć"
        " partie danych. Jeśli twój krok to numer epoki, podaj go jako epoch=, np."
        " mon.log(epoch=epoch, loss=...): wtedy wiersze tekstu, best.epoch i zdarzenia użyją"
        " twoich numerów (epoka {second}). Jeśli krok liczy partie danych, tak jest dobrze:"
        " zignoruj to ostrzeżenie."
    ),
    "monitor.warn.steps_resumed": (
        "nngraph Monitor: kroki zaczynają się od {start} i rosną o jeden ({start}, {next}, ...),"
        " jak epoki pętli wznowionej od epoki {start}, ale krok może liczyć partie danych, więc"
        " epoki są liczone od 1: krok {start} to epoka 1, krok {next} to epoka 2. Aby zachować"
        " numery twojej pętli (epoki {start}, {next}, ...) w wierszach tekstu, best.epoch i"
        " zdarzeniach, podaj je jako epoch=, np. mon.log(epoch=epoch, loss=...). Jeśli krok"
        " liczy partie danych, tak jest dobrze: zignoruj to ostrzeżenie."
    ),
    "monitor.warn.eval_repeated": (
        "nngraph Monitor: {metric} zapisano już dla kroku {step}, z tą samą wartością: czy"
        " komórka została uruchomiona ponownie albo ta sama epoka oceniona dwa razy? To wywołanie zostaje w historii, w epoce {epoch}, ale nie liczy"
        " się jako nowa epoka, a detektory nie oceniają go ponownie (ten sam krok oceniony dwa"
        " razy nie mówi nic nowego o treningu). Nową epokę zapisz z jej własnym krokiem:"
        " mon.log({next}, ...)."
    ),
    "monitor.warn.eval_back_to_back": (
        "nngraph Monitor: {metric} zapisano ponownie w epoce {epoch} zaraz po poprzedniej"
        " wartości ({first:.4g}), bez niczego pomiędzy: czy jest zapisywana po każdej partii"
        " walidacyjnej? Wtedy zapisuj raz na epokę jej średnią z całego zbioru walidacyjnego:"
        " każda wartość liczy się tu jako osobna walidacja, a Patience liczy je jako oceny."
        " Celowa walidacja kilka razy w epoce jest w porządku."
    ),
    "monitor.warn.eval_per_batch": (
        "nngraph Monitor: {metric} zapisano już dla kroku {step}, jako {first:.4g}: czy jest"
        " zapisywana po każdej partii walidacyjnej? Zapisz raz na epokę jej średnią z całego"
        " zbioru walidacyjnego. Liczy się tylko pierwsza wartość kroku, dla najlepszej epoki i"
        " dla detektorów; pozostałe zostają w historii, w epoce {epoch}."
    ),
    "monitor.warn.step_back": (
        "nngraph Monitor: krok {step} przychodzi po kroku {last}, więc jest rysowany jako krok"
        " {moved} i krzywe biegną dalej (kolejne kroki są przesuwane tak samo). Czy komórka"
        " treningu została uruchomiona ponownie albo numer partii zaczyna się od nowa w każdej"
        " epoce? Zapisuj krok globalny, np. epoch * len(loader) + i, albo utwórz nowy"
        " ng.Monitor() dla nowego przebiegu."
    ),
    # ten sam krok co ostatni, z nowymi wartościami treningu i walidacji: pętla od nowa
    "monitor.warn.step_again": (
        "nngraph Monitor: krok {step} przychodzi znowu, z nowymi wartościami treningu i"
        " walidacji, więc jest traktowany jako nowy przebieg pętli treningowej: jest rysowany"
        " jako krok {moved} i krzywe biegną dalej (kolejne kroki są przesuwane tak samo)."
        " Zapisuj krok globalny albo utwórz nowy ng.Monitor() dla nowego przebiegu."
    ),
    "monitor.warn.stopped_already": (
        "nngraph Monitor: pętla treningowa rusza od nowa, ale ten monitor zatrzymał już"
        " trening w epoce {epoch} ({by}), a mon.should_stop pozostaje True, więc pętla, która"
        " przerywa (break), gdy jest True, kończy się po tej epoce. Aby trenować dalej w tym samym"
        " przebiegu, wywołaj mon.resume() przed pętlą (historia i najlepsza epoka zostają, a"
        " detektory mogą znów go zatrzymać); dla nowego przebiegu utwórz nowy ng.Monitor()."
    ),
    "monitor.stopped_by_detector": "o zatrzymanie poprosił {detector}",
    "monitor.stopped_by_user": "kliknięto przycisk Zatrzymaj albo wywołano request_stop()",
    "monitor.gradwatch.replaced": (
        "nngraph: poprzedni GradientWatch na tym optymalizatorze wciąż działał; został"
        " zamknięty, więc każdy krok jest liczony raz"
    ),
    "monitor.error.lossview_source": (
        "LossView pokazuje ng.Monitor, ng.Runs albo ng.GradientWatch, a nie {got}; "
        "np. LossView(mon)"
    ),
    "monitor.distributed.not_initialized": (
        "Monitor(distributed=True) wymaga wcześniejszego wywołania "
        "torch.distributed.init_process_group() (albo użyj distributed='auto')"
    ),
    "monitor.distributed.value": (
        "distributed musi być True, False albo 'auto', otrzymano {value!r}"
    ),
    "monitor.lightning.not_monitor": (
        "NNGraphCallback(monitor=...) wymaga obiektu ng.Monitor (albo None, żeby utworzyć "
        "nowy), otrzymano {got}"
    ),
    "monitor.lightning.metric_missing": (
        "NNGraphCallback: obserwowana metryka {metric!r} nie została ani razu zapisana "
        "(zapisane: {logged}), więc żaden detektor nie zatrzyma treningu wcześniej i żadne "
        "najlepsze wagi nie zostaną przywrócone. Zapisuj ją w validation_step, np. "
        "self.log({metric!r}, value), albo wskaż, która z twoich metryk nią jest: "
        "NNGraphCallback(metrics={{'twoja_nazwa': {metric!r}}})."
    ),
    "monitor.lightning.metric_close": (
        "NNGraphCallback: obserwowana metryka {metric!r} nie została ani razu zapisana"
        " (zapisane: {logged}): czy chodziło o {close!r}? Dopóki nie zostanie zapisana, żaden"
        " detektor nie zatrzyma treningu wcześniej i żadne najlepsze wagi nie zostaną"
        " przywrócone. Zapisuj ją jako {metric!r}, self.log({metric!r}, value), albo wskaż, że"
        " twoja metryka nią jest: NNGraphCallback(metrics={{{close!r}: {metric!r}}})."
    ),
    "monitor.lightning.metric_same_way": (
        "NNGraphCallback: obserwowana metryka {metric!r} nie została ani razu zapisana"
        " (zapisane: {logged}), więc żaden detektor nie zatrzyma treningu wcześniej i żadne"
        " najlepsze wagi nie zostaną przywrócone. Zapisywana jest metryka {key!r}, a dla niej"
        " też {better}: wskaż, że to ona jest {metric!r},"
        " NNGraphCallback(metrics={{{key!r}: {metric!r}}}), albo zapisuj {metric!r} w"
        " validation_step, self.log({metric!r}, value)."
    ),
    "monitor.lightning.metric_other_way": (
        "NNGraphCallback: obserwowana metryka {metric!r} nie została ani razu zapisana"
        " (zapisane: {logged}), więc żaden detektor nie zatrzyma treningu wcześniej i żadne"
        " najlepsze wagi nie zostaną przywrócone. Zapisywana jest za to metryka {name!r}, a dla"
        " niej {better}, więc podanie jej jako {metric!r} zachowałoby jej najgorszą epokę."
        " Wybieraj najlepsze wagi według niej, {fix}, albo zapisuj {metric!r} w"
        " validation_step, self.log({metric!r}, value)."
    ),
    "monitor.lightning.metric_which_way": (
        "NNGraphCallback: obserwowana metryka {metric!r} nie została ani razu zapisana"
        " (zapisane: {logged}), więc żaden detektor nie zatrzyma treningu wcześniej i żadne"
        " najlepsze wagi nie zostaną przywrócone. Aby wybierać najlepsze wagi według"
        " zapisywanej metryki {name!r}, powiedz, która wartość jest lepsza: {fix_max}, jeśli"
        " wyższa (dokładność, wynik), albo {fix_min}, jeśli niższa (strata); możesz też"
        " zapisywać {metric!r} w validation_step, self.log({metric!r}, value)."
    ),
    "monitor.lightning.rename_other_way": (
        "NNGraphCallback: metrics={{{key!r}: {name!r}}} daje metryce {name!r} wartości {key!r},"
        " gdzie {better_key}, a dla {name!r} {better_name}: jej najlepsza epoka byłaby"
        " najgorszą dla {key!r}. Obserwuj raczej {key!r} pod jej własną nazwą,"
        " NNGraphCallback(metric={key!r})."
    ),
    "monitor.lightning.better.max": "lepsza jest wyższa wartość",
    "monitor.lightning.better.min": "lepsza jest niższa wartość",
    "monitor.lightning.no_validation_due": (
        "NNGraphCallback: w tym treningu nie było walidacji, więc obserwowana metryka {metric!r}"
        " nie nadeszła: żaden detektor nie może wcześniej zatrzymać treningu i żadne najlepsze"
        " wagi nie zostaną przywrócone, choć walidacyjny DataLoader został podany: trening"
        " skończył się, zanim przyszła pora na walidację, albo żadna nie jest uruchamiana"
        " ({settings}). Niech waliduje wcześniej (check_val_every_n_epoch=1), trenuj dłużej"
        " albo ustaw limit_val_batches powyżej 0."
    ),
    "monitor.lightning.no_validation": (
        "NNGraphCallback: w tym treningu nie było walidacji, więc obserwowana metryka {metric!r}"
        " nie nadeszła: żaden detektor nie może wcześniej zatrzymać treningu i żadne najlepsze"
        " wagi nie zostaną przywrócone. Przekaż do fit walidacyjny DataLoader,"
        " trainer.fit(model, train_dl, val_dl) (i sprawdź, czy limit_val_batches nie jest"
        " równe 0)."
    ),
    "monitor.lightning.metric_step_only": (
        "NNGraphCallback: obserwowana metryka {metric!r} jest zapisywana tylko po każdym kroku "
        "(on_epoch=False), a nngraph odczytuje wartości z całych epok, więc żaden detektor nie "
        "zatrzyma treningu wcześniej i żadne najlepsze wagi nie zostaną przywrócone. Zapisuj "
        "ją raz na epokę: self.log({key!r}, value, on_epoch=True)."
    ),
    "monitor.lightning.other_model": (
        "monitor przechowuje najlepsze wagi modelu podanego w Monitor(model=...), a to nie jest"
        " trenowany moduł (komórka z modelem uruchomiona ponownie?), więc nadpisałyby to, czego"
        " ten moduł się nauczył; mon.restore_best(model) wpisze je do modelu o tym układzie."
    ),
    "monitor.lightning.not_restored": (
        "NNGraphCallback: najlepsze wagi nie zostały przywrócone do modułu: {reason}"
    ),
    "monitor.lightning.early_stopped": (
        "EarlyStopping z Lightning (obserwujący {metric}) zatrzymał trening w epoce {epoch}"
    ),
    "monitor.lightning.interrupted": (
        "trening przerwano: najlepsze wagi (z epoki {best}) zostały przywrócone do modelu"
    ),
    "monitor.lightning.error_kept": (
        "trening zatrzymał się z powodu błędu: wagi zostały takie, jakie były w tej chwili; "
        "restore_best() monitora callbacku (NNGraphCallback.monitor) przywróci najlepsze "
        "(z epoki {best})."
    ),
    "monitor.lightning.earlier_best_kept": (
        "obserwowana metryka {metric} nie nadeszła w tym wywołaniu fit, więc nic nie oceniło"
        " wytrenowanych w nim wag: zostają, a najlepsze wagi z wcześniejszego wywołania fit (z"
        " epoki {best}) ich nie zastąpiły; restore_best() monitora callbacku"
        " (NNGraphCallback.monitor) przywróci tamte wagi."
    ),
    "monitor.lightning.missing": (
        "nngraph.integrations.lightning wymaga PyTorch Lightning: pip install nngraph[lightning]"
    ),
    "monitor.lightning.bad_metrics": (
        "NNGraphCallback(metrics=...) przypisuje nazwom metryk z Lightning nazwy monitora, np. "
        "metrics={{'valid/loss': 'val_loss'}} (nazwy to niepuste napisy); otrzymano {got!r}"
    ),
    "monitor.lightning.detectors_and_monitor": (
        "NNGraphCallback(detectors=...) działa tylko wtedy, gdy callback sam tworzy monitor; "
        "podano monitor, więc daj detektory jemu: mon = ng.Monitor(detectors=[...]), "
        "a potem NNGraphCallback(mon)"
    ),
    "monitor.lightning.display_and_monitor": (
        "NNGraphCallback(display=...) działa tylko wtedy, gdy callback sam tworzy monitor; "
        "podano monitor, więc ustaw wyświetlanie w nim: mon = ng.Monitor(display={display!r}), "
        "a potem NNGraphCallback(mon)"
    ),
    "monitor.lightning.detectors_positional": (
        "NNGraphCallback(...) przyjmuje jako pierwszy argument obiekt ng.Monitor; detektory "
        "podaje się w detectors=[...], np. NNGraphCallback(detectors=[ng.detectors.Patience(5)])"
    ),
    "monitor.lightning.metric_and_monitor": (
        "NNGraphCallback(metric=...) działa tylko wtedy, gdy callback sam tworzy monitor; "
        "podano monitor, więc podaj metrykę jemu: mon = ng.Monitor(metric={metric!r}), "
        "a potem NNGraphCallback(mon)"
    ),
    "monitor.lightning.mode_and_monitor": (
        "NNGraphCallback(mode=...) działa tylko wtedy, gdy callback sam tworzy monitor; "
        "podano monitor, więc podaj tryb jemu: mon = ng.Monitor(metric=..., "
        "mode={mode!r}), a potem NNGraphCallback(mon)"
    ),
    "monitor.lightning.stop_on_training": (
        "NNGraphCallback: {stopper} zatrzymuje trening według {watched}, metryki danych"
        " treningowych, która poprawia się dalej, gdy model je zapamiętuje: zatrzyma go późno"
        " albo wcale, a nie tam, gdzie model radzi sobie najlepiej z nowymi danymi. Zatrzymuj"
        " raczej według metryki walidacyjnej: {fix}."
    ),
    "monitor.lightning.stop_metric": (
        "NNGraphCallback: {stopper} zatrzymuje trening według {watched}, ale na końcu do modelu "
        "wracają wagi z epoki o najlepszym {metric}, więc mogą nie pochodzić z epoki, którą "
        "zatrzymanie nazywa najlepszą. Aby wybierać je według {watched}: {fix}."
    ),
    "monitor.lightning.refit": (
        "metodę fit uruchomiono ponownie: krzywe są kontynuowane od epoki {epoch} z nowym "
        "optymalizatorem, więc wartości w pierwszych epokach mogą skoczyć; wzrost w tym miejscu "
        "wynika z tego restartu, a nie ze zbyt dużego współczynnika uczenia."
    ),
    "monitor.lightning.refit_restored": (
        "metodę fit uruchomiono ponownie: trening jest kontynuowany od epoki {epoch} z nowym "
        "optymalizatorem i od najlepszych wag (z epoki {best}), przywróconych na końcu "
        "poprzedniego wywołania fit, więc straty zaczynają znów mniej więcej od wartości z "
        "epoki {best}; "
        "wzrost w tym miejscu wynika z tego restartu, a nie ze zbyt dużego współczynnika uczenia."
    ),
    "monitor.lightning.refit_new_module": (
        "metodę fit uruchomiono ponownie z innym modułem: jego krzywe są kontynuowane w tym "
        "monitorze od epoki {epoch}, ale zaczyna on od własnych wag i z nowym optymalizatorem, "
        "a nie od wag wcześniejszego modułu, więc w pierwszych epokach widać straty nowego "
        "modelu; skok w tym miejscu wynika z tego nowego startu, a nie ze zbyt dużego "
        "współczynnika uczenia."
    ),
    "monitor.lightning.refit_new_module_best": (
        "metodę fit uruchomiono ponownie z innym modułem: jego krzywe są kontynuowane w tym "
        "monitorze od epoki {epoch}, ale zaczyna on od własnych wag i z nowym optymalizatorem, "
        "a nie od wag wcześniejszego modułu, więc w pierwszych epokach widać straty nowego "
        "modelu; skok w tym miejscu wynika z tego nowego startu, a nie ze zbyt dużego "
        "współczynnika uczenia. Jego najlepsza epoka, wagi przywracane przez restore_best() i "
        "detektory liczą się od epoki {epoch}: najlepszy wynik wcześniejszego modułu ({metric} "
        "{value:.4g} w epoce {best}) nie jest z nimi porównywany."
    ),
    "monitor.lightning.min_epochs": (
        "Trainer(min_epochs={least}) każe Lightningowi trenować dalej mimo tego zatrzymania, do"
        " epoki {last} tutaj; najlepsze wagi i tak wracają na końcu fit."
    ),
    "monitor.lightning.by_batches": (
        "dane treningowe nie mają długości (IterableDataset bez __len__), więc Lightning nie "
        "wie, gdzie kończy się jego epoka: ten monitor numeruje więc punkty liczbą partii "
        "treningowych wykonanych w tym wywołaniu fit (licznik „it” na pasku postępu "
        "Lightning), a epoka {epoch} to tutaj punkt po {batches} partiach, a nie epoka Lightning"
    ),
    # monitor: nazwy metryk i jednostki w zdaniach; zdania detektorów nie uzgadniają z nimi
    # rodzaju (ktoś może podać metric="loss" albo "accuracy"): czas teraźniejszy, "jest powyżej"
    "monitor.name.loss": "strata treningowa",
    "monitor.name.acc": "dokładność treningowa",
    "monitor.name.accuracy": "dokładność treningowa",
    "monitor.name.val_loss": "strata walidacyjna",
    "monitor.name.val_acc": "dokładność walidacyjna",
    "monitor.name.val_accuracy": "dokładność walidacyjna",
    "monitor.name.val": "metryka walidacyjna {name}",
    "monitor.name.other": "metryka {name}",
    # biernik, jak po "przez": przez 1 epokę, 3 epoki, 12 epok
    "monitor.unit.epoch.one": "{n} epokę",
    "monitor.unit.epoch.few": "{n} epoki",
    "monitor.unit.epoch.many": "{n} epok",
    "monitor.unit.epoch.other": "{n} epoki",
    # odcinek w obrębie jednego numeru epoki (dwie walidacje z tym samym epoch=): w pomiarach
    "monitor.unit.evaluation.one": "{n} pomiar",
    "monitor.unit.evaluation.few": "{n} pomiary",
    "monitor.unit.evaluation.many": "{n} pomiarów",
    "monitor.unit.evaluation.other": "{n} pomiaru",
    # odcinek, gdy punkty są numerowane partiami treningowymi (Lightning, dane bez końca)
    "monitor.unit.batch.one": "{n} partię",
    "monitor.unit.batch.few": "{n} partie",
    "monitor.unit.batch.many": "{n} partii",
    "monitor.unit.batch.other": "{n} partii",
    # skąd pochodzą ostatnie wartości treningowe, po "w" (monitor.trend.*)
    "monitor.unit.last_epochs.one": "ostatniej epoce",
    "monitor.unit.last_epochs.few": "ostatnich {n} epokach",
    "monitor.unit.last_epochs.many": "ostatnich {n} epokach",
    "monitor.unit.last_evaluations.one": "ostatnim pomiarze",
    "monitor.unit.last_evaluations.few": "ostatnich {n} pomiarach",
    "monitor.unit.last_evaluations.many": "ostatnich {n} pomiarach",
    "monitor.unit.last_batches.one": "ostatniej partii",
    "monitor.unit.last_batches.few": "ostatnich {n} partiach",
    "monitor.unit.last_batches.many": "ostatnich {n} partiach",
    # skąd są wartości treningowe od najlepszej epoki, jak po "w": w epoce 13, w epokach 13–15
    "monitor.unit.before_epoch": "epoce {epoch}",
    "monitor.unit.before_epochs": "epokach {first}–{last}",
    # wartość treningowa w wyjaśnieniach detektorów: średnia z kilku albo jedna wartość
    "monitor.trend.mean": "średnio {value:.4g} w {span}",
    "monitor.trend.one": "{value:.4g} w {span}",
    # gdzie jest płaska strata treningowa względem walidacyjnej, w tekście o plateau
    "monitor.trend.level_close": "i pozostaje niewiele niższa od walidacyjnej",
    "monitor.trend.level_above": "i pozostaje wyższa niż {metric}",
    "monitor.trend.level_below": "i pozostaje niższa niż {metric}",
    # skąd jest średnia z wartości treningowych zapisywanych co kilka epok, po "w": "średnio
    # 0,05 w epokach 200, 205 i 210" ({most}: wszystkie oprócz ostatniej, po przecinku)
    "monitor.trend.epochs_listed": "epokach {most} i {last}",
    # dlaczego GL, PQ i UP nie widzą zapamiętywania we wzroście straty walidacyjnej (*.neutral)
    "monitor.trend.too_soon": (
        "model radzi sobie coraz gorzej na danych, na których się nie uczy, ale liczby nie "
        "pokazują jeszcze, czy {train} przestaje spadać (plateau), czy model zaczyna "
        "zapamiętywać dane treningowe."
    ),
    "monitor.trend.not_below": (
        "{train} wciąż spada, ale jest {level}; model, który na danych treningowych nie radzi "
        "sobie wyraźnie lepiej niż na nowych, nie zdradza jeszcze oznak zapamiętywania "
        "({metric} może rosnąć, bo oba zbiory danych się różnią, albo przez szum)."
    ),
    # dlaczego za wcześnie nazwać zapamiętywaniem wzrost, który tak wygląda (*.neutral)
    "monitor.trend.too_few": (
        "w epoce {epoch} {train} nie była niższa niż najlepsza {metric}, a jedna wartość od "
        "tamtej pory to za mało, by ocenić, czy model zaczął zapamiętywać dane treningowe, czy "
        "ten wzrost to tylko szum."
    ),
    "monitor.trend.far_above": (
        "w epoce {epoch} {train} była {times} razy wyższa niż najlepsza {metric} (model radził "
        "sobie na danych treningowych dużo gorzej niż na nowych), więc za wcześnie, by jej "
        "spadek od tamtej pory uznać za oznakę zapamiętywania."
    ),
    # why a training loss climbs smoothly (Patience's and GL's rose_steadily readings)
    "monitor.trend.rose_steadily": (
        "Równy wzrost straty bierze się z czegoś, co przy każdym kroku ciągnie wagi: zwykle ze"
        " zbyt silnej regularyzacji L2 (weight_decay optymalizatora), która zmniejsza każdą"
        " wagę w stronę 0, aż model może już tylko zgadywać, albo ze współczynnika uczenia"
        " podnoszonego przez harmonogram. Zmniejsz weight_decay (spróbuj 1e-4 albo 0), zanim"
        " zmienisz współczynnik uczenia."
    ),
    "monitor.trend.level_best_above": "wyższa niż {metric} w najlepszej epoce",
    "monitor.trend.level_best_barely_below": (
        "tylko nieznacznie niższa niż {metric} w najlepszej epoce"
    ),
    "monitor.event": "epoka {epoch}: {message}",
    # jak daleko strata jest od swojej najlepszej wartości (GL, PQ): "{metric} {above}"
    "monitor.above.percent": "jest o {percent}% powyżej swojej najlepszej wartości",
    "monitor.above.times": "ma wartość około {times} razy większą od najlepszej",
    # GL przy najlepszej wartości <= 0 (nie ma od czego liczyć procentów): "{metric} {above}"
    "monitor.gl.above_difference": "ma teraz wartość {value}, wyższą od najlepszej",
    "monitor.number.million": "{n} mln",
    "monitor.number.billion": "{n} mld",
    "monitor.number.trillion": "{n} bln",
    "monitor.event.step": "krok {step}: {message}",
    # monitor: wyjaśnienia detektorów (klucz to "monitor." + message_id zdarzenia)
    "monitor.gl.overfit": (
        "{metric} {above} ({best:.4g} w epoce "
        "{best_epoch}), a {train} wciąż spada (teraz {recent_at}, wobec {before_at}): "
        "{verdict}"
    ),
    "monitor.gl.flat": (
        "{metric} {above} ({best:.4g} w epoce "
        "{best_epoch}), a {train} pozostaje daleko niżej (teraz {recent_at}, wobec {before_at}): "
        "dalszy trening nie pomaga już na danych treningowych, a szkodzi na nowych, więc "
        "{verdict}"
    ),
    # wzrost, który wygląda na zapamiętywanie, za wcześnie po najlepszej epoce, by ocenić,
    # czy strata treningowa wciąż spada
    "monitor.gl.far_below": (
        "{metric} {above} ({best:.4g} w epoce "
        "{best_epoch}), a {train} jest daleko niżej (teraz {recent_at}, wobec {before_at}): "
        "{verdict}"
    ),
    "monitor.gl.verdict": (
        "model zaczął zapamiętywać dane treningowe (przeuczenie, ang. overfitting). Zatrzymaj tu trening albo zachowaj "
        "najlepsze wagi (restore_best)."
    ),
    "monitor.gl.verdict_warn": (
        "model mógł zacząć zapamiętywać dane treningowe albo to szum małego zbioru "
        "walidacyjnego: sprawdź, czy dalej rośnie (to ostrzeżenie nie zatrzymuje treningu)."
    ),
    "monitor.gl.advice": "Zatrzymaj tu trening albo zachowaj najlepsze wagi (restore_best).",
    "monitor.gl.advice_warn": (
        "Sprawdź, czy dalej rośnie (to ostrzeżenie nie zatrzymuje treningu)."
    ),
    "monitor.gl.plateau_chance": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {train} prawie się nie zmienia"
        " {level} (teraz {recent_at}, wobec {before_at}): {chance}"
    ),
    "monitor.trend.chance": (
        "{train} jest wciąż blisko ln {k} = {ln:.3g} (na początku {start:.4g}), czyli entropii"
        " krzyżowej zgadywania na chybił trafił spośród {k} klas: jeśli to entropia krzyżowa,"
        " model nauczył się dotąd niewiele, a ten wzrost może być szumem. Niektóre sieci"
        " (głęboka z sigmoidą albo tanh, źle zainicjowana) tkwią na takim plateau przez jakiś"
        " czas, zanim zaczną się uczyć, więc dalszy trening może jeszcze pomóc: sprawdź"
        " współczynnik uczenia i czy zero_grad(), backward() i step() wywołujesz w tej"
        " kolejności, a potem {go_on} Jeśli w danych niewiele więcej da się nauczyć (zaszumione"
        " etykiety), zachowaj najlepsze wagi (restore_best)."
    ),
    "monitor.trend.chance_resume": (
        "trenuj dalej z detektorem, który czeka, np. Patience(20): ten zatrzymywałby trening"
        " znowu, póki strata stoi w miejscu."
    ),
    "monitor.trend.chance_train_on": "trenuj dalej (to ostrzeżenie nie przerywa treningu).",
    "monitor.trend.chance_blown": (
        "{train} jest blisko ln {k} = {ln:.3g}, czyli entropii krzyżowej zgadywania na chybił"
        " trafił spośród {k} klas: jeśli to entropia krzyżowa, model radzi sobie nie lepiej niż"
        " zgadywanie, a ten wzrost może być szumem. {blown}"
    ),
    # dlaczego strata, która spadła do poziomu zgadywania z pierwszej epoki, w której trening
    # eksplodował, nie świadczy o nauce (nngraph/monitor/_never_improved.py, blown_start)
    "monitor.chance.blown": (
        "W pierwszej epoce {what} wynosiła {start:.4g}, o wiele więcej: trening eksplodował od"
        " razu, najczęściej dlatego, że dane wejściowe leżą daleko od 0 (surowe wartości pikseli"
        " 0-255, cecha rzędu tysięcy: pokaże to g.health() jednego kroku nagranego przez"
        " ng.trace) albo współczynnik uczenia jest o wiele za duży. Taka eksplozja może na dobre"
        " zostawić model, który tylko zgaduje (jednostki ReLU, które już zawsze zwracają 0), a"
        " kolejne epoki rzadko to naprawiają: przeskaluj dane wejściowe albo zmniejsz"
        " współczynnik uczenia i wytrenuj model od nowa, od nowych wag."
    ),
    # strata walidacyjna, która nigdy nie była lepsza od zgadywania, choć strata treningowa
    # spadła: etykiety mogą nie pasować do danych (nngraph/monitor/_never_improved.py)
    "monitor.chance.labels": (
        "Jeśli {metric} to entropia krzyżowa, to jej wartość nigdy nie była wyraźnie niższa niż"
        " poziom zgadywania: najlepsza, {best:.4g}, leży blisko ln {k} = {ln:.4g}, czyli straty"
        " zgadywania na chybił trafił spośród {k} klas, a {train} wynosi już {train_now:.4g}."
        " Model zapamiętuje etykiety treningowe, ale nie uczy się niczego, co przenosi się na"
        " nowe dane (model, który się przeucza, najpierw poprawia się na nowych danych). Najpewniej"
        " etykiety nie pasują do danych wejściowych: x i y przetasowane osobno albo etykiety"
        " walidacyjne w innej kolejności niż ich dane. Sprawdź ręcznie kilka przykładów i ich"
        " etykiety; jeśli pasują, dane wejściowe mogą nic nie mówić o etykietach."
    ),
    # przed słowami GL, PQ, UP albo Patience o zapamiętywaniu, gdy strata walidacyjna nigdy nie
    # była lepsza od zgadywania (nngraph/monitor/_chance_aside.py); {labels} to
    # monitor.chance.labels
    "monitor.aside.labels_first": (
        "To może nie być przeuczenie. {labels} Co pokazują krzywe: {message}"
    ),
    "monitor.aside.accuracy_rose": (
        "Jednak {acc} wzrosła po epoce {epoch}: {then:.4g} wtedy, najwyżej {peak:.4g} (epoka"
        " {peak_epoch}), {now:.4g} teraz: model częściej odpowiada dobrze, a zarazem jest coraz"
        " pewniejszy siebie w błędnych odpowiedziach, co podniosło stratę. Jeśli liczy się ta"
        " metryka ({acc}), obserwuj ją zamiast straty (metric={name!r})."
    ),
    "monitor.aside.accuracy_rose_flat": (
        "Jednak {acc} wzrosła po epoce {epoch}: {then:.4g} wtedy, najwyżej {peak:.4g} (epoka"
        " {peak_epoch}), {now:.4g} teraz, a {metric} pozostała w granicach kilku procent od"
        " swojej najlepszej wartości: model częściej odpowiada dobrze, choć strata nie spadła."
        " Jeśli liczy się ta metryka ({acc}), obserwuj ją zamiast straty (metric={name!r})."
    ),
    # przed słowami detektora o eksplozji treningu, gdy GradientWatch wcześniej zauważył, że
    # gradienty nie są zerowane (nngraph/monitor/_cause_aside.py)
    # after a reading of a training loss that rose steadily, where the watched optimizer decays
    "monitor.aside.weight_decay": (
        "Optymalizator obserwowany przez GradientWatch ma weight_decay={value}, dużo więcej niż"
        " zwykłe 1e-4 do 1e-2."
    ),
    "monitor.aside.not_reset_first": (
        "Zanim zmienisz współczynnik uczenia: GradientWatch zauważył {when}, że gradienty nie są"
        " zerowane między krokami (brak optimizer.zero_grad()), więc każdy krok stosuje sumę"
        " wszystkich dotychczasowych gradientów, a już samo to może rozsadzić trening. Jeśli w"
        " pętli nadal tego brakuje, najpierw wywołuj optimizer.zero_grad() przed każdym"
        " loss.backward() i wytrenuj model od nowa. Co pokazują krzywe: {message}"
    ),
    # przed słowami Patience o modelu, który się nie uczy, gdy GradientWatch wcześniej
    # zauważył, co mu to uniemożliwia (nngraph/monitor/_cause_aside.py)
    "monitor.aside.watch_cause_first": (
        "Zanim wywołasz resume() albo zmienisz współczynnik uczenia: GradientWatch zauważył"
        " {when}, że {cause}. Dopóki tak jest, więcej epok niewiele pomoże: najpierw to napraw"
        " (komunikat GradientWatch mówi, jak). Co pokazują krzywe: {message}"
    ),
    # przed późniejszym komunikatem tego samego przebiegu, gdy "monitor.aside.not_reset_first"
    # (albo przyczyna przed zatrzymaniem Patience) powiedział to w całości {when}: "w epoce 16"
    "monitor.aside.not_reset_again": (
        "Jak powiedziano {when}: gradienty nie są zerowane między krokami (brak"
        " optimizer.zero_grad()), najpierw to napraw. Co pokazują krzywe: {message}"
    ),
    "monitor.aside.cause.no_gradient": (
        "do jednej z warstw nie dociera żaden gradient, więc jej wagi się nie zmieniają"
    ),
    "monitor.aside.cause.vanishing": (
        "gradient zanika, zanim dotrze do pierwszych warstw, więc prawie się one nie uczą"
    ),
    "monitor.aside.cause.empty_steps": (
        "optimizer.step() działa bez żadnego gradientu, więc wagi się nie zmieniają"
    ),
    "monitor.aside.cause.flat_loss": (
        "strata nie zmienia się wraz z wagami, więc nie ma się z czego uczyć"
    ),
    "monitor.aside.cause.never_stepped": (
        "optimizer.step() nie jest wywoływany, więc wagi się nie zmieniają"
    ),
    "monitor.aside.cause.not_reset": (
        "gradienty nie są zerowane między krokami (brak optimizer.zero_grad())"
    ),
    "monitor.aside.cause.shrunk": (
        "wagi zmalały do setnej części (lub mniej) wartości, od których PyTorch je zaczyna,"
        " więc gradient zanika: najczęściej to za silny weight_decay (zwykle 1e-4 do 1e-2)"
    ),
    # przed zatrzymaniem przez Patience modelu, który się nie uczy, gdy monitor zauważył
    # wcześniej, że jego wagi się nie zmieniają (nngraph/monitor/_unchanged.py)
    "monitor.aside.unchanged_first": (
        "Zanim wywołasz resume() albo zmienisz współczynnik uczenia: monitor zauważył {when},"
        " że wagi modelu nie zmieniły się wcale od pierwszej epoki, więc więcej epok nie"
        " pomoże. Najpierw popraw pętlę uczenia (tamten komunikat mówi, co sprawdzić). Co"
        " pokazują krzywe: {message}"
    ),
    "monitor.gl.plateau": (
        "{metric} {above} ({best:.4g} w epoce "
        "{best_epoch}), a {train} prawie się nie zmienia {level} (teraz {recent_at}, wobec "
        "{before_at}): żadna ze strat nie poprawia się już wyraźnie {since}, więc wygląda na to, że "
        "model przestał się uczyć, a nie zaczął zapamiętywać, a ten wzrost może być szumem. "
        "Jeśli tak zostanie, dalszy trening raczej nie pomoże: zachowaj najlepsze wagi "
        "(restore_best) albo spróbuj innego współczynnika uczenia lub większego modelu."
    ),
    "monitor.gl.neutral": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {train} wynosi teraz "
        "{recent_at} (wobec {before_at}): {reason} {advice}"
    ),
    "monitor.gl.stalled": (
        "{metric} {above} ({best:.4g} w epoce "
        "{best_epoch}), a {train} wynosi teraz {recent_at}, więcej niż {before_at}. Trening "
        "stał się niestabilny; to nie przeuczenie (spróbuj mniejszego współczynnika uczenia, "
        "chyba że harmonogram celowo go podniósł, jak przy rozgrzewce lub ciepłym restarcie: wtedy obie "
        "straty wkrótce znów spadną)."
    ),
    "monitor.gl.restarted": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {train} wynosi teraz "
        "{recent_at}, więcej niż {before_at}, co często się zdarza w pierwszych epokach z nowym "
        "optymalizatorem (po restarcie, np. przy drugim wywołaniu fit): za wcześnie, by odróżnić "
        "przeuczenie od zbyt dużego współczynnika uczenia. {advice}"
    ),
    "monitor.gl.warming_up": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {train} wynosi teraz "
        "{recent_at}, więcej niż {before_at}, w pierwszych epokach treningu: rozgrzewka "
        "współczynnika uczenia (warm-up) celowo zwiększa krok, co może na chwilę podnieść "
        "stratę, a zbyt duży współczynnik uczenia też ją podnosi (bez harmonogramu z "
        "rozgrzewką spróbuj mniejszego); za wcześnie, by ocenić, które z nich i czy model się "
        "przeucza. {advice}"
    ),
    # jedna wartość treningowa po najlepszej epoce, nieco wyższa niż w niej: za wcześnie na ocenę
    "monitor.gl.rose_once": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {train} wynosi teraz "
        "{recent_at}, nieco więcej niż {before_at}: jedna wartość po najlepszej epoce to za "
        "mało, by ocenić, czy trening stał się niestabilny (zbyt duży współczynnik uczenia), "
        "czy to tylko szum, ani czy model zaczął zapamiętywać dane treningowe. {advice}"
    ),
    "monitor.gl.training": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}): rośnie strata na samych danych "
        "treningowych. Jeśli będzie rosnąć dalej, trening stał się niestabilny (spróbuj "
        "mniejszego współczynnika uczenia); strata treningowa, która waha się z epoki na epokę "
        "(uczenie na partiach, dropout, augmentacja), też może tyle urosnąć i znów spaść. Tak czy "
        "inaczej to nie przeuczenie. Przeuczenie widać na stracie walidacyjnej."
    ),
    "monitor.gl.unknown_data": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a jej nazwa nie mówi, na jakich "
        "danych jest mierzona. Na danych walidacyjnych oznacza to, że model radzi sobie coraz "
        "gorzej na danych, na których się nie uczy (mógł zacząć zapamiętywać dane "
        "treningowe); na samych danych treningowych — że trening stał się niestabilny "
        "(spróbuj mniejszego współczynnika uczenia). Zapisuj ją jako val_{logged} albo podaj "
        "detektorom jej treningowy odpowiednik "
        '(ng.detectors.GL(metric="{logged}", train_metric="loss")), a ta ocena je '
        "rozróżni."
    ),
    # a rise of a validation loss that is still improving overall (_still_improving.py)
    "monitor.gl.improving": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), ale ogólnie nadal spada: "
        "najlepszą wartość osiągnęła {since} temu, a ten wzrost nie jest większy niż jej zwykłe "
        "wahania między kolejnymi pomiarami. Wahanie straty walidacyjnej, która nadal spada, "
        "nie jest oznaką zapamiętywania (każda strata walidacyjna się waha, tym bardziej, im "
        "mniej ma przykładów). {advice}"
    ),
    # a jumpy run: the losses jump while the validation loss still improves overall
    "monitor.gl.jumpy": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a straty "
        "skaczą w górę i w dół między kolejnymi pomiarami ({train} również): trening jest "
        "niestabilny; to nie przeuczenie. Zwykłe przyczyny: zbyt duży współczynnik uczenia "
        "(spróbuj mniejszego) albo nieprzeskalowane dane wejściowe (surowe wartości pikseli "
        "0-255, cechy rzędu setek: ustandaryzuj je; pokaże to g.health() jednego kroku "
        "prześledzonego przez ng.trace). GL mówi to raz na cały trening, nie przy każdym skoku."
    ),
    "monitor.gl.plain": (
        "{metric} {above} ({best:.4g} w epoce "
        "{best_epoch}): model radzi sobie coraz gorzej na danych, na których się nie uczy."
    ),
    "monitor.gl.jump": (
        "{metric} {above} ({best:.4g} w epoce "
        "{best_epoch}) po skoku z {previous:.4g} do {value:.4g} w jednym pomiarze: tak nagły "
        "wzrost to niestabilny trening (spróbuj mniejszego współczynnika uczenia), a nie "
        "przeuczenie, które narasta przez wiele epok."
    ),
    "monitor.gl.oscillating": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), ale to tylko kolejny skok w górę: "
        "w epokach {first}–{last} zmienia kierunek {swings} razy, za każdym razem rosnąc o ponad "
        "{swing:g}% albo spadając o ponad {fall:g}% (między {low:.4g} a {high:.4g}), a {train} "
        "też nie spada "
        "równomiernie. Strata, która tak skacze w górę i w dół, to nie przeuczenie: "
        "współczynnik uczenia (albo momentum) jest prawdopodobnie za duży. Zmniejsz go, np. "
        "3–10 razy."
    ),
    "monitor.gl.unstable": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {train} wynosi "
        "{train_value:.4g}, czyli {times} razy więcej niż najniższa dotąd wartość ({low:.4g} w "
        "epoce {low_epoch}): model radzi sobie na własnych danych treningowych gorzej niż "
        "wcześniej, więc trening stał się niestabilny; to nie przeuczenie (spróbuj mniejszego "
        "współczynnika uczenia)."
    ),
    "monitor.gl.blown_up": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), "
        "ale trening wcześniej wymknął się spod kontroli: {train} w epoce {peak_epoch} wynosiła "
        "{peak:.4g}, czyli {times} razy więcej niż na początku ({first:.4g}), a przebieg dotąd nie wrócił "
        "do wcześniejszego stanu (teraz {train}: {train_value:.4g}; {metric}: {value:.4g}): to "
        "niestabilny trening, nie przeuczenie (spróbuj mniejszego współczynnika uczenia)."
    ),
    "monitor.pq.fire": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {training}. {reading}"
    ),
    # co PQ z tego odczytuje: trening zyskuje jeszcze trochę albo już nic
    "monitor.pq.reading": (
        "Każda epoka kosztuje teraz więcej na nowych danych, niż daje na danych treningowych, "
        "więc model zaczął zapamiętywać dane treningowe."
    ),
    "monitor.pq.reading_none": (
        "Dalszy trening nie pomaga już na danych treningowych, a tylko szkodzi na nowych, więc "
        "model zapamiętał dane treningowe."
    ),
    # co PQ mówi o treningu w ostatnim odcinku, po "a": mały postęp albo żaden
    "monitor.pq.progress": (
        "w ostatnim odcinku, trwającym {since}, postęp treningu ({train}) jest mały: średnia z "
        "tego odcinka przekracza jego minimum tylko o {permille}‰"
    ),
    "monitor.pq.progress_quotient": (
        "w ostatnim odcinku, trwającym {since}, postęp treningu ({train}) jest mały: średnia z "
        "tego odcinka przekracza jego minimum tylko o {permille}‰ (iloraz {quotient} > "
        "{alpha:g})"
    ),
    "monitor.pq.progress_none": (
        "w ostatnim odcinku, trwającym {since}, {train} w ogóle się nie poprawia"
    ),
    # na czym PQ się uruchomił, przed "bierze się z treningu, ..."
    "monitor.pq.quotient": "iloraz {quotient} > {alpha:g}",
    "monitor.pq.quotient_none": "nieskończony iloraz (brak jakiegokolwiek postępu treningu)",
    "monitor.pq.quotient_from_zero": "nieskończony iloraz (wzrost od najlepszej wartości 0)",
    "monitor.pq.plateau_chance": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {train} prawie się nie zmienia"
        " {level} (teraz {recent_at}, wobec {before_at}), więc {ratio} nie bierze się z"
        " zapamiętywania: {chance}"
    ),
    "monitor.pq.plateau": (
        "{metric} {above} ({best:.4g} w epoce "
        "{best_epoch}), a {train} prawie się nie zmienia {level} (teraz {recent_at}, wobec "
        "{before_at}), więc {ratio} bierze się z treningu, który już się nie poprawia "
        "(plateau), a nie z zapamiętywania. Dalszy trening raczej nie pomoże: zachowaj najlepsze wagi "
        "(restore_best) albo spróbuj innego współczynnika uczenia lub większego modelu."
    ),
    "monitor.pq.neutral": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {training}; {train} wynosi "
        "teraz {recent_at} (wobec {before_at}): {reason}"
    ),
    "monitor.gl.rose_steadily": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {train} wynosi teraz "
        "{recent_at}, więcej niż {before_at}, i rośnie równo, pomiar po pomiarze, bez "
        "skoków: to nie niestabilny trening ani przeuczenie. {why}"
    ),
    "monitor.pq.rose_steadily": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {train} wynosi teraz "
        "{recent_at}, więcej niż {before_at}, i rośnie równo, pomiar po pomiarze, bez "
        "skoków: więc {ratio} nie bierze się ani z niestabilnego treningu, ani z przeuczenia. "
        "{why}"
    ),
    "monitor.up.rose_steadily": (
        "{metric} rośnie na końcu {strips} (wartości: {trail}), ale {train} wynosi teraz "
        "{recent_at}, więcej niż {before_at}, i rośnie równo, pomiar po pomiarze, bez "
        "skoków: to nie niestabilny trening ani przeuczenie. {why} Najlepsza wartość: "
        "{best:.4g} w epoce {best_epoch}."
    ),
    "monitor.pq.stalled": (
        "{metric} {above} ({best:.4g} w epoce "
        "{best_epoch}), a {train} wynosi teraz {recent_at}, więcej niż {before_at}, więc "
        "{ratio} bierze się z treningu, który stał się niestabilny, a nie z przeuczenia "
        "(spróbuj mniejszego współczynnika uczenia, chyba że harmonogram celowo go podniósł, "
        "jak przy rozgrzewce lub ciepłym restarcie: wtedy obie straty wkrótce znów spadną)."
    ),
    "monitor.pq.restarted": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {train} wynosi teraz "
        "{recent_at}, więcej niż {before_at}, co często się zdarza w pierwszych epokach z nowym "
        "optymalizatorem (po restarcie, np. przy drugim wywołaniu fit), więc {ratio} bierze się "
        "z tego wzrostu: za wcześnie, by odróżnić przeuczenie od zbyt dużego współczynnika "
        "uczenia."
    ),
    "monitor.pq.warming_up": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {train} wynosi teraz "
        "{recent_at}, więcej niż {before_at}, w pierwszych epokach treningu, więc {ratio} "
        "bierze się z tego wzrostu: rozgrzewka współczynnika uczenia (warm-up) celowo zwiększa "
        "krok, co może na chwilę podnieść stratę, a zbyt duży współczynnik uczenia też ją "
        "podnosi (bez harmonogramu z rozgrzewką spróbuj mniejszego); za wcześnie, by ocenić, "
        "które z nich i czy model się przeucza."
    ),
    "monitor.pq.rose_once": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {training}; {train} wynosi "
        "teraz {recent_at}, nieco więcej niż {before_at}: jedna wartość po najlepszej epoce "
        "to za mało, by ocenić, czy trening stał się niestabilny (zbyt duży współczynnik "
        "uczenia), czy to tylko szum, ani czy model zaczął zapamiętywać dane treningowe."
    ),
    "monitor.pq.jump": (
        "{metric} {above} ({best:.4g} w epoce "
        "{best_epoch}) po skoku z {previous:.4g} do {value:.4g} w jednym pomiarze, więc "
        "{ratio} bierze się z treningu, który stał się niestabilny (spróbuj mniejszego "
        "współczynnika uczenia), a nie z przeuczenia, które narasta przez wiele epok."
    ),
    "monitor.pq.oscillating": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {training}. To jednak tylko "
        "kolejny skok w górę: w epokach {first}–{last} zmienia kierunek {swings} razy, za każdym "
        "razem rosnąc o ponad {swing:g}% albo spadając o ponad {fall:g}% (między {low:.4g} a "
        "{high:.4g}), a {train} "
        "też nie spada równomiernie, więc {ratio} bierze się z treningu, który oscyluje, a nie "
        "z zapamiętywania: współczynnik uczenia (albo momentum) jest prawdopodobnie za duży. "
        "Zmniejsz go, np. 3–10 razy."
    ),
    "monitor.pq.unstable": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), a {train} wynosi "
        "{train_value:.4g}, czyli {times} razy więcej niż najniższa dotąd wartość ({low:.4g} w "
        "epoce {low_epoch}), więc {ratio} bierze się z treningu, który stał się niestabilny, a "
        "nie z przeuczenia (spróbuj mniejszego współczynnika uczenia)."
    ),
    "monitor.pq.blown_up": (
        "{metric} {above} ({best:.4g} w epoce {best_epoch}), "
        "ale trening wcześniej wymknął się spod kontroli: {train} w epoce {peak_epoch} wynosiła "
        "{peak:.4g}, czyli {times} razy więcej niż na początku ({first:.4g}), a przebieg dotąd nie wrócił "
        "do wcześniejszego stanu (teraz {train}: {train_value:.4g}; {metric}: {value:.4g}), więc "
        "{ratio} bierze się z niestabilnego treningu, a nie z przeuczenia (spróbuj mniejszego "
        "współczynnika uczenia)."
    ),
    "monitor.up.fire": (
        "{metric} rośnie na końcu {strips} (wartości: {trail}): model radzi sobie coraz gorzej "
        "na nowych danych, to oznaka przeuczenia (ang. overfitting). Najlepsza wartość: {best:.4g} w epoce "
        "{best_epoch}."
    ),
    "monitor.up.plateau_chance": (
        "{metric} rośnie na końcu {strips} (wartości: {trail}), a {train} prawie się nie"
        " zmienia {level} (teraz {recent_at}, wobec {before_at}): {chance} Najlepsza wartość:"
        " {best:.4g} w epoce {best_epoch}."
    ),
    "monitor.up.plateau": (
        "{metric} rośnie na końcu {strips} (wartości: {trail}), a {train} prawie się nie "
        "zmienia "
        "{level} (teraz {recent_at}, wobec {before_at}): model przestał się uczyć "
        "(plateau), a nie zaczął zapamiętywać. Dalszy trening raczej nie pomoże: zachowaj "
        "najlepsze wagi (restore_best) albo spróbuj innego współczynnika uczenia lub większego "
        "modelu. Najlepsza wartość: {best:.4g} w epoce {best_epoch}."
    ),
    "monitor.up.neutral": (
        "{metric} rośnie na końcu {strips} (wartości: {trail}), a {train} wynosi teraz "
        "{recent_at} (wobec {before_at}): {reason} Najlepsza wartość: {best:.4g} w epoce "
        "{best_epoch}."
    ),
    "monitor.up.stalled": (
        "{metric} rośnie na końcu {strips} (wartości: {trail}), ale {train} wynosi teraz "
        "{recent_at}, więcej niż {before_at}. Trening stał się niestabilny; to nie przeuczenie "
        "(spróbuj mniejszego współczynnika uczenia, chyba że harmonogram celowo go podniósł, "
        "jak przy rozgrzewce lub ciepłym restarcie: wtedy obie straty wkrótce znów spadną). Najlepsza "
        "wartość: {best:.4g} w epoce {best_epoch}."
    ),
    "monitor.up.restarted": (
        "{metric} rośnie na końcu {strips} (wartości: {trail}), a {train} wynosi teraz "
        "{recent_at}, więcej niż {before_at}, co często się zdarza w pierwszych epokach z nowym "
        "optymalizatorem (po restarcie, np. przy drugim wywołaniu fit): za wcześnie, by odróżnić "
        "przeuczenie od zbyt dużego współczynnika uczenia. Najlepsza wartość: {best:.4g} w "
        "epoce {best_epoch}."
    ),
    "monitor.up.warming_up": (
        "{metric} rośnie na końcu {strips} (wartości: {trail}), a {train} wynosi teraz "
        "{recent_at}, więcej niż {before_at}, w pierwszych epokach treningu: rozgrzewka "
        "współczynnika uczenia (warm-up) celowo zwiększa krok, co może na chwilę podnieść "
        "stratę, a zbyt duży współczynnik uczenia też ją podnosi (bez harmonogramu z "
        "rozgrzewką spróbuj mniejszego); za wcześnie, by ocenić, które z nich i czy model się "
        "przeucza. Najlepsza wartość: {best:.4g} w epoce {best_epoch}."
    ),
    "monitor.up.rose_once": (
        "{metric} rośnie na końcu {strips} (wartości: {trail}), a {train} wynosi teraz "
        "{recent_at}, nieco więcej niż {before_at}: jedna wartość po najlepszej epoce to za "
        "mało, by ocenić, czy trening stał się niestabilny (zbyt duży współczynnik uczenia), "
        "czy to tylko szum, ani czy model zaczął zapamiętywać dane treningowe. Najlepsza "
        "wartość: {best:.4g} w epoce {best_epoch}."
    ),
    "monitor.up.unstable": (
        "{metric} rośnie na końcu {strips} (wartości: {trail}), a {train} wynosi "
        "{train_value:.4g}, czyli {times} razy więcej niż najniższa dotąd wartość ({low:.4g} w "
        "epoce {low_epoch}): trening stał się niestabilny; to nie przeuczenie (spróbuj "
        "mniejszego współczynnika uczenia). Najlepsza wartość: {best:.4g} w epoce {best_epoch}."
    ),
    "monitor.up.blown_up": (
        "{metric} rośnie na końcu {strips} (wartości: {trail}), "
        "ale trening wcześniej wymknął się spod kontroli: {train} w epoce {peak_epoch} wynosiła "
        "{peak:.4g}, czyli {times} razy więcej niż na początku ({first:.4g}), a przebieg dotąd nie wrócił "
        "do wcześniejszego stanu (teraz {train}: {train_value:.4g}; {metric}: {value:.4g}): to "
        "niestabilny trening, nie przeuczenie (spróbuj mniejszego współczynnika uczenia). "
        "Najlepsza wartość: {best:.4g} w epoce {best_epoch}."
    ),
    "monitor.up.oscillating": (
        "{metric} rośnie na końcu {strips} (wartości: {trail}), ale to tylko kolejny skok w "
        "górę: w epokach {first}–{last} zmienia kierunek {swings} razy, za każdym razem rosnąc o "
        "ponad {swing:g}% albo spadając o ponad {fall:g}% (między {low:.4g} a {high:.4g}), a "
        "{train} też nie spada "
        "równomiernie. Strata, która tak skacze w górę i w dół, to nie przeuczenie: "
        "współczynnik uczenia (albo momentum) jest prawdopodobnie za duży. Zmniejsz go, np. "
        "3–10 razy. Najlepsza wartość: {best:.4g} w epoce {best_epoch}."
    ),
    "monitor.up.jump": (
        "{metric} rośnie na końcu {strips} (wartości: {trail}) po skoku z {previous:.4g} do "
        "{value:.4g} w jednym pomiarze: tak nagły wzrost to niestabilny trening (spróbuj "
        "mniejszego współczynnika uczenia), a nie przeuczenie, które narasta przez wiele epok. "
        "Najlepsza wartość: {best:.4g} w epoce {best_epoch}."
    ),
    # dopełniacz, jak po "na końcu": 1 odcinka, 3 kolejnych odcinków
    "monitor.up.strips.one": "{n} odcinka treningu, który trwał {strip}",
    "monitor.up.strips.few": "{n} kolejnych odcinków treningu, z których każdy trwał {strip}",
    "monitor.up.strips.many": "{n} kolejnych odcinków treningu, z których każdy trwał {strip}",
    "monitor.gl.validation_not_finite": (
        "{metric} ma teraz wartość {value} (to nie jest skończona liczba), choć najlepsza"
        " wartość wynosiła {best:.4g} w epoce {best_epoch}, a {train} wynosi {tr:.4g}: wagi się"
        " nie rozbiegły, więc przyczyną są raczej dane walidacyjne (NaN w wejściach albo w"
        " wartościach docelowych) albo kod, który ją liczy: sprawdź je."
    ),
    "monitor.pq.validation_not_finite": (
        "{metric} ma teraz wartość {value} (to nie jest skończona liczba), choć najlepsza"
        " wartość wynosiła {best:.4g} w epoce {best_epoch}, a {train} wynosi {tr:.4g}: wagi się"
        " nie rozbiegły, więc przyczyną są raczej dane walidacyjne (NaN w wejściach albo w"
        " wartościach docelowych) albo kod, który ją liczy: sprawdź je."
    ),
    "monitor.up.validation_not_finite": (
        "{metric} ma teraz wartość {value} (to nie jest skończona liczba), choć najlepsza"
        " wartość wynosiła {best:.4g} w epoce {best_epoch}, a {train} wynosi {tr:.4g}: wagi się"
        " nie rozbiegły, więc przyczyną są raczej dane walidacyjne (NaN w wejściach albo w"
        " wartościach docelowych) albo kod, który ją liczy: sprawdź je."
    ),
    "monitor.gl.untold_nonfinite": (
        "{metric} ma teraz wartość {value} (to nie jest skończona liczba), choć najlepsza"
        " wartość wynosiła {best:.4g} w epoce {best_epoch}, a {train} nie została zapisana"
        " razem z nią, więc nie wiadomo dlaczego: jeśli {train} też nie jest skończoną liczbą,"
        " trening się rozbiegł (zachowaj najlepsze wagi przez restore_best i spróbuj mniejszego"
        " współczynnika uczenia); jeśli jest, przyczyną są raczej dane walidacyjne (NaN w"
        " wejściach albo w wartościach docelowych) albo kod, który ją liczy."
    ),
    "monitor.pq.untold_nonfinite": (
        "{metric} ma teraz wartość {value} (to nie jest skończona liczba), choć najlepsza"
        " wartość wynosiła {best:.4g} w epoce {best_epoch}, a {train} nie została zapisana"
        " razem z nią, więc nie wiadomo dlaczego: jeśli {train} też nie jest skończoną liczbą,"
        " trening się rozbiegł (zachowaj najlepsze wagi przez restore_best i spróbuj mniejszego"
        " współczynnika uczenia); jeśli jest, przyczyną są raczej dane walidacyjne (NaN w"
        " wejściach albo w wartościach docelowych) albo kod, który ją liczy."
    ),
    "monitor.up.untold_nonfinite": (
        "{metric} ma teraz wartość {value} (to nie jest skończona liczba), choć najlepsza"
        " wartość wynosiła {best:.4g} w epoce {best_epoch}, a {train} nie została zapisana"
        " razem z nią, więc nie wiadomo dlaczego: jeśli {train} też nie jest skończoną liczbą,"
        " trening się rozbiegł (zachowaj najlepsze wagi przez restore_best i spróbuj mniejszego"
        " współczynnika uczenia); jeśli jest, przyczyną są raczej dane walidacyjne (NaN w"
        " wejściach albo w wartościach docelowych) albo kod, który ją liczy."
    ),
    "monitor.gl.nonfinite": (
        "{metric} ma teraz wartość {value} (to nie jest skończona liczba), choć najlepsza "
        "wartość wynosiła {best:.4g} w epoce {best_epoch}: trening się rozbiegł. Zachowaj "
        "najlepsze wagi (restore_best) i spróbuj mniejszego współczynnika uczenia."
    ),
    "monitor.up.nonfinite": (
        "{metric} ma teraz wartość {value} (to nie jest skończona liczba), choć najlepsza "
        "wartość wynosiła {best:.4g} w epoce {best_epoch}: trening się rozbiegł. Zachowaj "
        "najlepsze wagi (restore_best) i spróbuj mniejszego współczynnika uczenia."
    ),
    "monitor.pq.nonfinite": (
        "{metric} ma teraz wartość {value} (to nie jest skończona liczba), choć najlepsza "
        "wartość wynosiła {best:.4g} w epoce {best_epoch}: trening się rozbiegł. Zachowaj "
        "najlepsze wagi (restore_best) i spróbuj mniejszego współczynnika uczenia."
    ),
    "monitor.gl.train_nonfinite": (
        "{metric} {above} ({best:.4g} w epoce "
        "{best_epoch}), a {train} ma teraz wartość {train_value} (to nie jest skończona "
        "liczba): trening się rozbiegł, to nie zapamiętywanie danych. Zachowaj najlepsze wagi "
        "(restore_best) i spróbuj mniejszego współczynnika uczenia."
    ),
    "monitor.patience.never": (
        "{metric} nie ma skończonej wartości już {since} z rzędu: trening rozbiegł się od "
        "początku albo dane zawierają NaN. Sprawdź dane wejściowe i spróbuj mniejszego "
        "współczynnika uczenia."
    ),
    "monitor.patience.never_improved": (
        "{metric} nie poprawia się względem pierwszej wartości ({best:.4g} w epoce {best_epoch})"
        " już {since} z rzędu. {reading}"
    ),
    "monitor.patience.never_improved_delta": (
        "{metric} nie poprawia się o więcej niż {delta:.4g} względem pierwszej wartości"
        " ({best:.4g} w epoce {best_epoch}) już {since} z rzędu. {reading}"
    ),
    "monitor.patience.never_improved_relative": (
        "{metric} nie poprawia się o więcej niż {pct:.3g}% względem pierwszej wartości"
        " ({best:.4g} w epoce {best_epoch}) już {since} z rzędu. {reading}"
    ),
    "monitor.patience.barely_moved": (
        "{metric} prawie stoi w miejscu już {since}: najlepsza wartość, {best:.4g} w epoce"
        " {best_epoch}, jest tylko o {pct:.2g}% niższa od pierwszej ({first:.4g} w epoce"
        " {first_epoch}). {reading}"
    ),
    "monitor.patience.barely_improved": (
        "{metric} prawie się nie zmienia względem pierwszej wartości ({first:.4g} w epoce"
        " {first_epoch}): najlepsza wartość, {best:.4g} w epoce {best_epoch}, jest niższa od niej"
        " tylko o {pct:.2g}%, a kolejne wartości nie są lepsze już {since} z rzędu. {reading}"
    ),
    # co Patience odczytuje z liczb po "nie poprawia się" albo "prawie się nie zmienia":
    # tylko to, co liczby potwierdzają (nngraph/monitor/_never_improved.py)
    "monitor.patience.reading.validation_not_finite": (
        "{what} ma teraz wartość {bad} (to nie jest skończona liczba), a {train} wciąż jest"
        " skończoną liczbą: wagi się nie rozbiegły, więc przyczyną są raczej dane walidacyjne"
        " (NaN w wejściach albo w wartościach docelowych) albo kod, który ją liczy: sprawdź je."
    ),
    "monitor.patience.reading.untold_nonfinite": (
        "{what} ma teraz wartość {bad} (to nie jest skończona liczba), a {train} nie została"
        " zapisana razem z nią, więc nie wiadomo dlaczego: jeśli {train} też nie jest skończoną"
        " liczbą, trening się rozbiegł (zachowaj najlepsze wagi przez restore_best i spróbuj"
        " mniejszego współczynnika uczenia); jeśli jest, przyczyną są raczej dane walidacyjne"
        " (NaN w wejściach albo w wartościach docelowych) albo kod, który ją liczy."
    ),
    "monitor.patience.reading.diverged": (
        "{what} ma teraz wartość {bad} (to nie jest skończona liczba): trening się rozbiegł i"
        " kolejne epoki tego nie naprawią. Zachowaj najlepsze wagi (restore_best) i spróbuj"
        " mniejszego współczynnika uczenia."
    ),
    # a metric worse from its first value on while its training twin improves: fine-tuning
    "monitor.patience.reading.overfitting_first": (
        "{train} wciąż się poprawia (na początku {train_first:.4g}; teraz {train_now:.4g}), a"
        " {metric} się pogarsza (teraz {value:.4g}): model przeucza się od pierwszych epok: to w"
        " nich radził sobie najlepiej z nowymi danymi (za mało danych albo za duży model; przy"
        " dostrajaniu wstępnie wytrenowanego modelu, ang. fine-tuning: mniej epok albo mniejszy"
        " współczynnik uczenia). Zachowaj najlepsze wagi (restore_best)."
    ),
    "monitor.patience.reading.memorising": (
        "Teraz {train} wynosi {train_now:.4g} (na początku {train_first:.4g}), a {metric}"
        " {value:.4g}: model dopasowuje się do danych treningowych, ale nie uogólnia na nowe"
        " dane (za mało danych albo za duży model). Zachowaj najlepsze wagi (restore_best)."
    ),
    "monitor.patience.reading.memorising_chance": (
        "Teraz {train} wynosi {train_now:.4g} (na początku {train_first:.4g}), a {metric}"
        " {value:.4g}, przy najlepszej wartości blisko ln {k} = {ln:.4g}, czyli straty"
        " zgadywania na chybił trafił spośród {k} klas: jeśli to entropia krzyżowa, model"
        " zapamiętuje etykiety treningowe, ale nie uczy się niczego, co przenosi się na nowe"
        " dane (model, który się przeucza, najpierw poprawia się na nowych danych). Najpewniej"
        " etykiety nie pasują do danych wejściowych: x i y przetasowane osobno albo etykiety"
        " walidacyjne w innej kolejności niż ich dane. Sprawdź ręcznie kilka przykładów i ich"
        " etykiety; jeśli pasują, dane wejściowe mogą nic nie mówić o etykietach."
    ),
    "monitor.patience.reading.unstable": (
        "{train} też się pogarsza (teraz {train_now:.4g}; na początku {train_first:.4g}):"
        " trening stał się niestabilny; to nie przeuczenie (spróbuj mniejszego współczynnika"
        " uczenia)."
    ),
    # a training twin that climbed smoothly (nngraph/monitor/_steady_rise.py): not unstable
    "monitor.patience.reading.rose_steadily": (
        "{train} też się pogarsza (teraz {train_now:.4g}; na początku {train_first:.4g}), ale"
        " rośnie równo, pomiar po pomiarze, bez skoków: to nie niestabilny trening ani"
        " przeuczenie. {why}"
    ),
    "monitor.patience.reading.not_below": (
        "{train} się poprawia (teraz {train_now:.4g}; na początku {train_first:.4g}), ale model"
        " na danych treningowych nie radzi sobie wyraźnie lepiej niż na nowych ({metric}:"
        " {value:.4g}): to nie jest oznaka przeuczenia (oba zbiory danych mogą się różnić albo"
        " {metric} waha się tylko przez szum). Jeśli ta wartość jest słaba, model uczy się"
        " powoli albo jest za mały: spróbuj innego współczynnika uczenia albo większego modelu."
    ),
    "monitor.patience.reading.falling_again": (
        "{metric}: po początkowym pogorszeniu (do {peak:.4g} w epoce {peak_epoch}) wartości od"
        " tamtej pory wyraźnie się poprawiają (teraz {value:.4g}), choć jeszcze nie są wyraźnie"
        " lepsze od pierwszej: model się uczy (jak po rozgrzewce współczynnika uczenia, warm-up)."
        " Jeśli wzrost wywołała rozgrzewka, daj Patience więcej epok, niż ona trwa, albo wywołaj"
        " resume(), żeby trenować dalej."
    ),
    "monitor.patience.reading.improving_again": (
        "{train} po początkowym pogorszeniu znów się poprawia (teraz {train_now:.4g}; na"
        " początku {train_first:.4g}), choć pierwsza wartość wciąż jest lepsza: model się uczy"
        " (jak po rozgrzewce współczynnika uczenia, warm-up); to nie jest przeuczenie. Jeśli"
        " wzrost wywołała rozgrzewka, daj Patience więcej epok, niż ona trwa, albo wywołaj"
        " resume(), żeby trenować dalej."
    ),
    "monitor.patience.reading.chance": (
        "Wartość {best_shown} leży blisko ln {k} = {ln_shown}, czyli entropii krzyżowej zgadywania na"
        " chybił trafił spośród {k} klas: jeśli ta strata to entropia krzyżowa, model się nie"
        " uczy. Sprawdź współczynnik uczenia, czy zero_grad(), backward() i step() idą w tej"
        " kolejności, i funkcję straty. Niektóre sieci (głęboka z sigmoidą albo tanh, źle"
        " zainicjowana) tkwią na takim plateau przez jakiś czas, zanim zaczną się uczyć: jeśli"
        " pętla jest poprawna, wywołaj resume(), by dać sieci więcej epok."
    ),
    "monitor.patience.reading.chance_blown": (
        "Wartość {best_shown} leży blisko ln {k} = {ln_shown}, czyli entropii krzyżowej zgadywania na chybił"
        " trafił spośród {k} klas, i tak samo {train} (teraz {train_now:.4g}): jeśli ta strata to"
        " entropia krzyżowa, model radzi sobie nie lepiej niż zgadywanie. {blown}"
    ),
    "monitor.patience.reading.not_learning": (
        "{train} też stoi w miejscu (teraz {train_now:.4g}; na początku {train_first:.4g}):"
        " model się nie uczy albo nauczył się wszystkiego, czego mógł, już w pierwszej epoce."
        " Jeśli ta wartość jest słaba, sprawdź współczynnik uczenia, czy zero_grad(), backward()"
        " i step() idą w tej kolejności, i funkcję straty. Niektóre sieci (głęboka z sigmoidą"
        " albo tanh, źle zainicjowana) tkwią na takim plateau przez jakiś czas, zanim zaczną się"
        " uczyć: jeśli pętla jest poprawna, wywołaj resume(), by dać sieci więcej epok."
    ),
    "monitor.patience.reading.training": (
        "Jeśli ta wartość jest już dobra, model nauczył się, czego mógł, w pierwszej epoce i"
        " dalszy trening nie pomoże; jeśli nie, model się nie uczy: sprawdź współczynnik"
        " uczenia, czy zero_grad(), backward() i step() idą w tej kolejności, i funkcję straty."
    ),
    "monitor.patience.reading.unknown": (
        "Jeśli ta wartość jest już dobra, model nauczył się, czego mógł, w pierwszej epoce i"
        " dalszy trening nie pomoże. Jeśli nie, model się nie uczy (sprawdź współczynnik"
        " uczenia, czy zero_grad(), backward() i step() idą w tej kolejności, i funkcję straty)"
        " albo nie uogólnia (za mało danych, za duży model): zapisuj w log() także metrykę"
        " treningową ({train}), a ten komunikat wskaże, które z nich."
    ),
    "monitor.patience.fire": (
        "{metric} nie poprawia się już {since} z rzędu (najlepsza wartość {best:.4g} w epoce "
        "{best_epoch}): dalszy trening raczej nic nie da."
    ),
    "monitor.patience.fire_delta": (
        "{metric} nie poprawia się o więcej niż {delta:.4g} już {since} z rzędu (licząc od "
        "wartości {best:.4g} z epoki {best_epoch}): dalszy trening raczej nic nie da."
    ),
    "monitor.patience.fire_relative": (
        "{metric} nie poprawia się o więcej niż {pct:.3g}% już {since} z rzędu (licząc od "
        "wartości {best:.4g} z epoki {best_epoch}): dalszy trening raczej nic nie da."
    ),
    "monitor.patience.diverged": (
        "{metric} nie poprawia się już {since} z rzędu (najlepsza wartość {best:.4g} w epoce"
        " {best_epoch}). {reading}"
    ),
    # początek tekstu Patience, który mówi, dlaczego nie przyszła lepsza wartość: {head}
    "monitor.patience.head": (
        "{metric} nie poprawia się już {since} z rzędu (najlepsza wartość {best:.4g} w epoce "
        "{best_epoch})"
    ),
    "monitor.patience.head_delta": (
        "{metric} nie poprawia się o więcej niż {delta:.4g} już {since} z rzędu (licząc od "
        "wartości {best:.4g} z epoki {best_epoch})"
    ),
    "monitor.patience.head_relative": (
        "{metric} nie poprawia się o więcej niż {pct:.3g}% już {since} z rzędu (licząc od "
        "wartości {best:.4g} z epoki {best_epoch})"
    ),
    "monitor.patience.oscillating": (
        "{head}, ale nie dlatego, że model przestał się uczyć: w epokach {first}–{last} zmienia "
        "kierunek {swings} razy, za każdym razem rosnąc o ponad {swing:g}% albo spadając o "
        "ponad {fall:g}% (między {low:.4g} a {high:.4g}), a {train} też nie spada równomiernie. Strata, która tak "
        "skacze w górę i w dół, wciąż przeskakuje minimum: współczynnik uczenia (albo momentum) "
        "jest prawdopodobnie za duży. Zmniejsz go, np. 3–10 razy, i wytrenuj model od nowa."
    ),
    "monitor.patience.memorising": (
        "{head} i wynosi teraz {now:.4g}, a {train} jest daleko poniżej ({train_now:.4g}): "
        "model zapamiętuje dane treningowe, zamiast uczyć się tego, co przenosi się na nowe "
        "dane (przeuczenie, ang. overfitting). Jak dotąd dalszy trening tylko to pogarszał; wagi do "
        "zachowania to te z epoki {best_epoch}."
    ),
    # Patience's stop on a validation loss clearly worse since its best while the training loss
    # still falls, closer to it than half of it (a moderate gap: nngraph/monitor/_overfitting.py)
    "monitor.patience.overfitting": (
        "{head} i wynosi teraz {now:.4g}, a {train} wciąż spada ({train_best:.4g} w epoce"
        " {train_epoch}; teraz {train_now:.4g}): model coraz lepiej dopasowuje się do danych"
        " treningowych, a coraz gorzej radzi sobie z nowymi, czyli zaczął zapamiętywać dane"
        " treningowe, zamiast uczyć się tego, co przenosi się na nowe dane (przeuczenie, ang."
        " overfitting). Jak dotąd dalszy trening tylko to pogarszał; wagi do zachowania to te z"
        " epoki {best_epoch}."
    ),
    # the same of an accuracy (higher is better): it fell while the training accuracy rises
    "monitor.patience.overfitting_higher": (
        "{head} i wynosi teraz {now:.4g}, a {train} wciąż rośnie ({train_best:.4g} w epoce"
        " {train_epoch}; teraz {train_now:.4g}): model coraz lepiej radzi sobie z danymi"
        " treningowymi, a coraz gorzej z nowymi, czyli zaczął zapamiętywać dane treningowe,"
        " zamiast uczyć się tego, co przenosi się na nowe dane (przeuczenie, ang. overfitting)."
        " Jak dotąd dalszy trening tylko to pogarszał; wagi do zachowania to te z epoki"
        " {best_epoch}."
    ),
    # ... and beside a training accuracy that rests far above it (1.0, or flat near it)
    "monitor.patience.memorising_higher": (
        "{head} i wynosi teraz {now:.4g}, a {train} pozostaje daleko powyżej ({train_now:.4g}):"
        " model zapamiętuje dane treningowe, zamiast uczyć się tego, co przenosi się na nowe"
        " dane (przeuczenie, ang. overfitting). Jak dotąd dalszy trening tylko to pogarszał;"
        " wagi do zachowania to te z epoki {best_epoch}."
    ),
    "monitor.patience.still_improving": (
        "{head}, ale ogólny trend wciąż się poprawia, tylko powoli: prosta dopasowana do "
        "wartości z epok {first}–{last} biegnie od {start:.4g} do {end:.4g}, a wartości wahają "
        "się wokół niej o około {noise:.2g}, więc najlepsza wartość była szczęśliwym wynikiem, "
        "którego powolny trend jeszcze nie dogonił. Dalszy trening może jeszcze pomóc: z większą "
        "cierpliwością, np. {larger} (dla domyślnych detektorów: "
        "ng.Monitor(detectors={classroom})), trening może znaleźć lepszą epokę."
    ),
    "monitor.patience.falling_again": (
        "{head}, ale od najgorszej wartości po epoce {best_epoch} ({peak:.4g} w epoce"
        " {peak_epoch}) znów się poprawia, wyraźniej, niż wynikałoby z samych wahań (teraz {now:.4g}), więc"
        " dalszy trening może jeszcze pomóc. Tak działa harmonogram współczynnika uczenia:"
        " ciepły restart (warm restart) na jakiś czas pogarsza stratę, a potem znów ją poprawia,"
        " a późniejsze skokowe obniżenie współczynnika może ją jeszcze obniżyć. Wagi do"
        " zachowania to na razie te z epoki {best_epoch} (restore_best); daj Patience więcej"
        " epok, niż trwa jeden cykl harmonogramu, np. {larger} (dla domyślnych detektorów:"
        " ng.Monitor(detectors={classroom})), albo wywołaj resume(), żeby trenować dalej."
    ),
    "monitor.patience.recovering": (
        "{head}, ale trening zatrzymano, gdy wciąż wracał do formy po nagłym skoku: po epoce"
        " {best_epoch} nastąpiło gwałtowne pogorszenie ({metric}: {peak:.4g} w epoce"
        " {peak_epoch}{train_too}), a od tamtej pory wartości znów się poprawiają (teraz"
        " {now:.4g}). Taki skok bierze się z niestabilnego treningu, najczęściej ze zbyt dużego"
        " współczynnika uczenia, chyba że harmonogram celowo go podniósł, jak robi to ciepły"
        " restart (warm restart). Wagi do zachowania to na razie te z epoki {best_epoch}"
        " (restore_best); czy dalszy trening da lepsze, jeszcze nie wiadomo: wywołaj resume(),"
        " by trenować dalej i sprawdzić, albo trenuj od nowa z mniejszym współczynnikiem uczenia"
        " lub większą cierpliwością, np. {larger} (dla domyślnych detektorów:"
        " ng.Monitor(detectors={classroom}))."
    ),
    # dopowiedzenie po "2,55 w epoce 6", gdy logowana jest strata treningowa
    "monitor.patience.recovering_train": "; {train}: {train_peak:.4g} w epoce {train_epoch}",
    "monitor.patience.near_chance": (
        "{head}, ale {what} wynosi wciąż {now:.4g} (na początku {start:.4g}), blisko ln {k} ="
        " {ln:.3g}, czyli entropii krzyżowej zgadywania na chybił trafił spośród {k} klas:"
        " jeśli to entropia krzyżowa, model nauczył się dotąd niewiele. Niektóre sieci (głęboka"
        " z sigmoidą albo tanh, źle zainicjowana) tkwią na takim plateau przez jakiś czas, zanim"
        " zaczną się uczyć, więc dalszy trening może jeszcze pomóc: jeśli pętla jest poprawna,"
        " wywołaj resume(), by trenować dalej. Jeśli w danych niewiele więcej da się nauczyć"
        " (zaszumione etykiety), zachowaj najlepsze wagi (restore_best)."
    ),
    "monitor.patience.chance_blown": (
        "{head}, a {what} wynosi {now:.4g}, blisko ln {k} = {ln:.3g}, czyli entropii krzyżowej"
        " zgadywania na chybił trafił spośród {k} klas: jeśli to entropia krzyżowa, model radzi"
        " sobie nie lepiej niż zgadywanie. {blown}"
    ),
    # gdzie strata eksplodowała, w tej samej jednostce co wiersze tekstu
    "monitor.divergence.at_epoch": "w epoce {epoch}",
    "monitor.divergence.at_step": "w kroku {step}",
    "monitor.divergence.at_step_epoch": "w kroku {step} (epoka {epoch})",
    "monitor.divergence.metric_and_metrics": (
        "Divergence przyjmuje metric={metric!r} albo metrics=(...), nie oba naraz: podaj"
        " wszystkie obserwowane nazwy w metrics=, np. metrics=('loss', {metric!r})"
    ),
    "monitor.divergence.factor_range": (
        "{what} musi być większa od 1, otrzymano {value}: mówi, ile razy większa od swojej"
        " pierwszej wartości musi być strata, by uznać, że trening wymyka się spod kontroli,"
        " np. 100 (domyślnie). Stały limit podaj jako threshold=, np. Divergence(threshold=10)"
    ),
    "monitor.divergence.nonfinite": "{metric} ma {when} wartość {value}{cause}",
    # skąd wzięło się NaN albo Inf, po "... ma w epoce 40 wartość nan"
    "monitor.divergence.cause.overflow": (
        ": trening się rozbiegł (wartości rosły, aż liczby wyszły poza zakres). Zmniejsz"
        " współczynnik uczenia, przytnij gradienty albo sprawdź, czy w danych nie ma NaN."
    ),
    "monitor.divergence.cause.sudden": (
        ", i to wprost z {last:.4g}, bez wcześniejszego wzrostu: to nagły skok, więc najpewniej"
        " w danych jest NaN albo w funkcji straty pojawiło się 0/0 lub log(0). Najpierw"
        " sprawdź, czy w danych nie ma NaN (torch.isnan(x).any() dla każdej partii), potem"
        " funkcję straty; jeśli tu wszystko jest w porządku, zmniejsz współczynnik uczenia albo"
        " przytnij gradienty."
    ),
    "monitor.divergence.cause.one_value": (
        ", zaraz po pierwszej wartości ({last:.4g}), więc nie widać, czy wartości rosły: trening"
        " mógł rozbiec się od razu (o wiele za duży współczynnik uczenia), w danych może być NaN,"
        " a w funkcji straty 0/0 lub log(0). Spróbuj mniejszego współczynnika uczenia i sprawdź,"
        " czy w danych nie ma NaN (torch.isnan(x).any() dla każdej partii)."
    ),
    "monitor.divergence.cause.start": (
        ", już przy pierwszym zapisie, więc nie widać, skąd się wzięła: w danych może być NaN,"
        " w funkcji straty 0/0 lub log(0) albo trening rozbiegł się od razu (o wiele za duży"
        " współczynnik uczenia). Najpierw sprawdź, czy w danych nie ma NaN"
        " (torch.isnan(x).any() dla każdej partii), potem spróbuj mniejszego współczynnika"
        " uczenia."
    ),
    "monitor.divergence.validation_not_finite": (
        "{metric} ma {when} wartość {value}, a {train} wciąż ma skończoną, stabilną wartość"
        " ({tr:.4g}), więc wagi najpewniej się nie rozbiegły: przyczyną są raczej dane"
        " walidacyjne ({value} w wejściach albo w wartościach docelowych) albo kod, który ją"
        " liczy (0/0, log(0)): sprawdź je."
    ),
    "monitor.divergence.threshold": (
        "{metric} {when} wynosi {value:.4g}, ponad limit {threshold:.4g}: trening "
        "wymyka się spod kontroli. Zmniejsz współczynnik uczenia."
    ),
    "monitor.divergence.factor": (
        "{metric} {when} wynosi {value:.4g}, czyli {times} razy więcej niż na początku "
        "({first:.4g}): trening wymyka się spod kontroli. Zmniejsz współczynnik uczenia."
    ),
    "monitor.divergence.factor_size": (
        "{metric} {when} wynosi {value:.4g}, czyli {times} razy więcej niż wartość bezwzględna "
        "pierwszego niezerowego wyniku ({first:.4g}): trening wymyka się spod kontroli. "
        "Zmniejsz współczynnik uczenia."
    ),
    "monitor.gap.relative": (
        "{metric} ({val:.4g}) i {train} ({tr:.4g}) różnią się o ponad {pct:.0f}% już "
        "{since} z rzędu: model radzi sobie dużo lepiej na danych, na których się uczy, niż na "
        "nowych (duża wariancja). Tę różnicę zmniejszą: więcej danych, mniejszy model albo "
        "regularyzacja."
    ),
    "monitor.gap.unstable": (
        "{metric} ({val:.4g}) i {train} ({tr:.4g}) różnią się mocno już {since} z rzędu, ale "
        "{train} też się pogarsza od epoki {best_epoch}, najlepszej na danych walidacyjnych: "
        "wynosi teraz {recent_at}, wobec {before_at}. Trening stał się niestabilny, a to nie "
        "duża wariancja (spróbuj mniejszego współczynnika uczenia)."
    ),
    "monitor.gap.blown_up": (
        "{metric} ({val:.4g}) i {train} ({tr:.4g}) różnią się mocno już {since} z rzędu, ale "
        "trening wcześniej wymknął się spod kontroli: {train} w epoce {peak_epoch} wynosiła "
        "{peak:.4g}, czyli {times} razy więcej niż na początku ({first:.4g}), a przebieg dotąd nie wrócił "
        "do wcześniejszego stanu. Trening stał się niestabilny, a to nie duża wariancja "
        "(spróbuj mniejszego współczynnika uczenia)."
    ),
    "monitor.gap.absolute": (
        "{metric} ({val:.4g}) i {train} ({tr:.4g}) różnią się o ponad {threshold:.4g} już "
        "{since} z rzędu: model radzi sobie dużo lepiej na danych, na których się uczy, niż na "
        "nowych (duża wariancja). Tę różnicę zmniejszą: więcej danych, mniejszy model albo "
        "regularyzacja."
    ),
    "monitor.gap.validation_not_finite": (
        "{metric} ma wartość {val} (to nie jest skończona liczba), a {train} wynosi {tr:.4g}:"
        " wagi się nie rozbiegły, więc przyczyną są raczej dane walidacyjne (NaN w wejściach"
        " albo w wartościach docelowych) albo kod, który ją liczy: sprawdź je (różnica między"
        " nimi nic teraz nie mówi)."
    ),
    "monitor.gap.nonfinite": (
        "{metric} ma teraz wartość {val} (to nie jest skończona liczba), a {train} wynosi "
        "{tr:.4g}: trening się rozbiegł, a to nie duża wariancja (różnica między nimi nic teraz "
        "nie mówi). Zachowaj najlepsze wagi (restore_best) i spróbuj mniejszego współczynnika "
        "uczenia."
    ),
    "monitor.grad.vanishing": (
        "warstwa '{layer}' dostaje prawie zerowy gradient (norma {norm:.2g}; {ratio:.1g} normy "
        "największej, w warstwie '{top}'): jej wagi prawie się nie zmieniają. {causes}"
    ),
    "monitor.grad.vanishing_below": (
        "warstwa '{layer}' dostaje prawie zerowy gradient (norma {norm:.2g}; poniżej {limit:g}): "
        "jej wagi prawie się nie zmieniają. {causes}"
    ),
    "monitor.grad.vanishing_many": (
        "warstwy {shown} (razem {n}) dostają prawie zerowy gradient (normy od {low:.2g} do "
        "{high:.2g}; najwyżej {ratio:.1g} największej normy, w warstwie '{top}'): ich wagi "
        "prawie się nie zmieniają. {causes}"
    ),
    "monitor.grad.vanishing_below_many": (
        "warstwy {shown} (razem {n}) dostają prawie zerowy gradient (normy od {low:.2g} do "
        "{high:.2g}; poniżej {limit:g}): ich wagi prawie się nie zmieniają. {causes}"
    ),
    "monitor.grad.zero_many": (
        "warstwy {shown} (razem {n}) od kroku {start} dostają gradient równy dokładnie zeru, choć "
        "wcześniej był on niezerowy: ich wagi w ogóle się już nie zmieniają. Coś między nimi a "
        "funkcją straty nie przepuszcza już gradientu (np. aktywacja zablokowana w płaskim "
        "zakresie, maska albo gałąź, której forward już nie używa)."
    ),
    "monitor.grad.zero": (
        "warstwa '{layer}' od kroku {start} dostaje gradient równy dokładnie zeru, choć wcześniej "
        "był on niezerowy: jej wagi w ogóle się już nie zmieniają. Coś między nią a funkcją straty "
        "nie przepuszcza już gradientu (np. aktywacja zablokowana w płaskim zakresie, maska albo "
        "gałąź, której forward już nie używa)."
    ),
    "monitor.grad.dead_many": (
        "warstwy {shown} (razem {n}) od kroku {start} dostają gradient równy dokładnie zeru, choć "
        "wcześniej był on niezerowy: ich wagi w ogóle się już nie zmieniają. W sieci z ReLU "
        "oznacza to, że jednostki ReLU między nimi a funkcją straty stały się martwe, najczęściej "
        "po zbyt dużym kroku (za duży współczynnik uczenia, eksplodujący gradient): dla każdego "
        "wejścia dają 0, więc gradient przez nie nie przechodzi. Martwe jednostki same nie ożyją: "
        "zmniejsz współczynnik uczenia i trenuj od nowa albo użyj LeakyReLU."
    ),
    "monitor.grad.dead": (
        "warstwa '{layer}' od kroku {start} dostaje gradient równy dokładnie zeru, choć wcześniej "
        "był on niezerowy: jej wagi w ogóle się już nie zmieniają. W sieci z ReLU oznacza to, że "
        "jednostki ReLU między nią a funkcją straty stały się martwe, najczęściej po zbyt dużym "
        "kroku (za duży współczynnik uczenia, eksplodujący gradient): dla każdego wejścia dają 0, "
        "więc gradient przez nie nie przechodzi. Martwe jednostki same nie ożyją: zmniejsz "
        "współczynnik uczenia i trenuj od nowa albo użyj LeakyReLU."
    ),
    "monitor.grad.zero_from_start_many": (
        "warstwy {shown} (razem {n}) od pierwszego kroku dostają gradient równy dokładnie zeru: "
        "do ich wag w ogóle nie dociera gradient, więc wagi się nie zmieniają. Coś między nimi "
        "a funkcją straty nie przepuszcza gradientu dla żadnego przykładu: aktywacja w płaskim "
        "zakresie dla każdego wejścia (np. clamp, funkcja schodkowa), operacja bez gradientu "
        "(round, sign), maska albo mnożenie przez 0. Znajdź ją w forward i usuń albo zastąp "
        "taką, która przepuszcza gradient."
    ),
    "monitor.grad.zero_from_start": (
        "warstwa '{layer}' od pierwszego kroku dostaje gradient równy dokładnie zeru: do jej wag "
        "w ogóle nie dociera gradient, więc wagi się nie zmieniają. Coś między nią a funkcją "
        "straty nie przepuszcza gradientu dla żadnego przykładu: aktywacja w płaskim zakresie "
        "dla każdego wejścia (np. clamp, funkcja schodkowa), operacja bez gradientu (round, "
        "sign), maska albo mnożenie przez 0. Znajdź ją w forward i usuń albo zastąp taką, która "
        "przepuszcza gradient."
    ),
    "monitor.grad.dead_from_start_many": (
        "warstwy {shown} (razem {n}) od pierwszego kroku dostają gradient równy dokładnie zeru: "
        "do ich wag w ogóle nie dociera gradient, więc wagi się nie zmieniają. W sieci z ReLU "
        "najczęściej oznacza to, że jednostki ReLU między nimi a funkcją straty od początku dają "
        "0 dla każdego przykładu, więc gradient przez nie nie przechodzi: duże ujemne biasy, za "
        "duże wagi początkowe albo wejścia dalekie od 0. Takie jednostki same nie ożyją: ustaw "
        "biasy na 0 i zainicjuj wagi funkcją nn.init.kaiming_normal_, znormalizuj wejścia albo "
        "użyj LeakyReLU. Jeśli nie to, forward maskuje ich wyjście albo mnoży je przez 0."
    ),
    "monitor.grad.dead_from_start": (
        "warstwa '{layer}' od pierwszego kroku dostaje gradient równy dokładnie zeru: do jej wag "
        "w ogóle nie dociera gradient, więc wagi się nie zmieniają. W sieci z ReLU najczęściej "
        "oznacza to, że jednostki ReLU między nią a funkcją straty od początku dają 0 dla "
        "każdego przykładu, więc gradient przez nie nie przechodzi: duże ujemne biasy, za duże "
        "wagi początkowe albo wejścia dalekie od 0. Takie jednostki same nie ożyją: ustaw biasy "
        "na 0 i zainicjuj wagi funkcją nn.init.kaiming_normal_, znormalizuj wejścia albo użyj "
        "LeakyReLU. Jeśli nie to, forward maskuje jej wyjście albo mnoży je przez 0."
    ),
    "monitor.grad.and": "{first} i {last}",
    # zwykłe rozwiązania, których modelowi brakuje, {fixes}: graph.health.remedy.fix.* (relu:
    # jako monitor.grad.remedy.fix.relu_unknown, gdy nie widać modułu aktywacji), łączone
    # graph.health.remedy.either
    "monitor.grad.remedy.other": "Zwykłe rozwiązania: {fixes}.",
    "monitor.grad.remedy.relu": "Przy aktywacjach z rodziny ReLU: {fixes}.",
    "monitor.grad.remedy.saturating": "Każda z warstw {acts} zmniejsza gradient: {fixes}.",
    "monitor.grad.remedy.fix.relu_unknown": (
        "użyj aktywacji z rodziny ReLU (zamiast sigmoid albo tanh, jeśli forward je wywołuje) "
        "z nn.init.kaiming_normal_"
    ),
    "monitor.grad.remedy.had": (
        "Model ma już zwykłe rozwiązania (aktywacje z rodziny ReLU, wagi w skali, jaką daje "
        "nn.init.kaiming_normal_, normalizację, połączenia rezydualne): prześledź jeden krok "
        "treningu (ng.trace(model, x, loss=...).health()), żeby zobaczyć, w której warstwie "
        "gradient spada."
    ),
    # warstwa BatchNorm za zgłoszoną, która w każdym widzianym kroku dostaje {values} (2)
    # wartości na kanał
    "monitor.grad.remedy.small_batch": (
        "Najpewniej winna jest warstwa BatchNorm '{norm}': w trybie treningu normalizuje "
        "każdy kanał po całej partii, a partie dają jej tylko {values} wartości na kanał. Po "
        "normalizacji do średniej 0 i wariancji 1 dwie wartości zawsze stają się -1 i +1, "
        "cokolwiek wejdzie, więc wstecz przez nią do wcześniejszych warstw prawie nie płynie "
        "gradient. Ucz na partiach po 16 przykładów lub więcej albo użyj LayerNorm, który "
        "normalizuje każdy przykład osobno."
    ),
    # warstwa, która miała zdrowy gradient, zwykle {typical}, i go straciła; {causes}:
    # monitor.grad.causes.fell (albo .shrunk)
    "monitor.grad.vanishing_fell": (
        "warstwa '{layer}' od kroku {start} dostaje prawie zerowy gradient (norma {norm:.2g}; "
        "{ratio:.1g} największej normy, w warstwie '{top}'), choć wcześniej przez wiele kroków "
        "dostawała zdrowy (około {typical:.2g}): jej wagi prawie się już nie zmieniają. {causes}"
    ),
    "monitor.grad.vanishing_fell_many": (
        "warstwy {shown} (razem {n}) od kroku {start} dostają prawie zerowy gradient (normy od "
        "{low:.2g} do {high:.2g}; najwyżej {ratio:.1g} największej normy, w warstwie '{top}'), "
        "choć wcześniej przez wiele kroków dostawały zdrowy: ich wagi prawie się już nie "
        "zmieniają. {causes}"
    ),
    "monitor.grad.causes.fell": (
        "Taki spadek po wielu zdrowych krokach najczęściej przychodzi po zbyt dużym kroku (za "
        "duży współczynnik uczenia, eksplodujący gradient), a nie z winy inicjalizacji: ten "
        "krok zepchnął jednostki bliżej funkcji straty tam, gdzie prawie nie przepuszczają "
        "gradientu {flat}. Rzadko same z tego wychodzą: zmniejsz współczynnik uczenia i trenuj "
        "od nowa."
    ),
    "monitor.grad.flat.relu": (
        "(jednostki z rodziny ReLU poniżej 0 dla prawie każdego wejścia, gdzie są płaskie)"
    ),
    "monitor.grad.flat.saturating": "(jednostki {acts} na swoich płaskich końcach)",
    "monitor.grad.flat.other": "(aktywacja zablokowana w płaskim zakresie)",
    # dokładnie 0 od pierwszego kroku w modelu z wagami równymi zeru; {cause}:
    # monitor.grad.zero_weights_cause.*, {weights} to ich nazwy
    "monitor.grad.zero_weights": (
        "warstwa '{layer}' od pierwszego kroku dostaje gradient równy dokładnie zeru: do jej wag "
        "w ogóle nie dociera gradient, więc wagi się nie zmieniają. {cause}"
    ),
    "monitor.grad.zero_weights_many": (
        "warstwy {shown} (razem {n}) od pierwszego kroku dostają gradient równy dokładnie zeru: "
        "do ich wag w ogóle nie dociera gradient, więc wagi się nie zmieniają. {cause}"
    ),
    "monitor.grad.zero_weights_cause.relu": (
        "Wszystkie wagi w {weights} są zerami. Przez warstwę, której wszystkie wagi są zerami, "
        "gradient nie przechodzi wstecz, więc warstwy przed nią go nie dostają; do tego taka "
        "warstwa daje każdemu przykładowi to samo wyjście (swój bias), które ReLU za nią "
        "zamienia w 0, gdy ten bias jest zerowy albo ujemny, i wtedy też nie przepuszcza "
        "gradientu. Zainicjuj wagi losowo (warstwy PyTorcha robią to domyślnie); a może "
        "wyzerowano je przez pomyłkę (w.zero_() zamiast w.grad.zero_())?"
    ),
    "monitor.grad.zero_weights_cause.other": (
        "Wszystkie wagi w {weights} są zerami. Przez warstwę, której wszystkie wagi są zerami, "
        "gradient nie przechodzi wstecz, więc warstwy przed nią go nie dostają. Zainicjuj wagi "
        "losowo (warstwy PyTorcha robią to domyślnie); a może wyzerowano je przez pomyłkę "
        "(w.zero_() zamiast w.grad.zero_())?"
    ),
    "monitor.grad.depth_first": (
        "w pierwszym obserwowanym kroku (krok {start}) pierwsza warstwa, '{layer}', dostała "
        "około {times:,} razy mniejszy gradient niż ostatnia, '{last}' (normy gradientu wag: "
        "{norm:.2g} i {last_norm:.2g}): to zanikający gradient. Do kroku {step} ta różnica się "
        "zmniejszyła, ale tylko dlatego, że gradient ostatniej warstwy też zmalał (do "
        "{now:.2g}): ostatnie warstwy nauczyły się tyle, ile mogły, a pierwsze prawie się nie "
        "zmieniły, więc trening może na tym utknąć. {remedy}"
    ),
    "monitor.grad.depth": (
        "od kroku {start} pierwsza warstwa, '{layer}', dostaje około {times:,} razy mniejszy "
        "gradient niż ostatnia, '{last}' (normy gradientu wag: {norm:.2g} i {last_norm:.2g}), więc "
        "uczy się około {times:,} razy wolniej od niej (zanikający gradient). {remedy}"
    ),
    "monitor.grad.causes.other": (
        "Zanikające gradienty biorą się z głębokiego stosu nasycających się funkcji aktywacji "
        "(jeśli forward wywołuje sigmoid albo tanh), ze złej inicjalizacji albo z warstwy odciętej "
        "od funkcji straty."
    ),
    "monitor.grad.causes.relu": (
        "Przy aktywacjach z rodziny ReLU bierze się to ze złej inicjalizacji (użyj "
        "nn.init.kaiming_normal_), ze zbyt głębokiego stosu warstw bez BatchNorm i połączeń "
        "rezydualnych albo z warstwy odciętej od funkcji straty."
    ),
    "monitor.grad.causes.shrunk": (
        "Wagi modelu ({weights}) to setna część tego, od czego zaczyna PyTorch, albo jeszcze"
        " mniej: zainicjowano je o wiele za małe albo zmniejszył je trening (o wiele za duże"
        " weight_decay: zwykle 1e-4 do 1e-2; albo tak duży współczynnik uczenia, że trening się"
        " załamał)."
    ),
    "monitor.grad.causes.saturating": (
        "Zanikające gradienty biorą się z warstw {acts} (każda zmniejsza gradient), ze złej "
        "inicjalizacji albo z warstwy odciętej od funkcji straty."
    ),
    "monitor.grad.exploding_many": (
        "warstwy {shown} (razem {n}) mają normy gradientu od {low:.3g} do {high:.3g} "
        "({above}): tak duże kroki sprawiają, że trening jest niestabilny. {advice}"
    ),
    "monitor.grad.above_grown_many": (
        "ponad limit {limit:g} i zarazem co najmniej {times:,} razy większe niż zwykle"
    ),
    "monitor.grad.above_grown_since": (
        "ponad limit {limit:g} i zarazem co najmniej {times:,} razy większą niż jej typowa norma "
        "{typical:.3g}"
    ),
    "monitor.grad.above_grown_now": (
        "ponad limit {limit:g} i zarazem {times:,} razy większą niż jej typowa norma {typical:.3g}"
    ),
    "monitor.grad.above": "ponad limit {limit:g}",
    "monitor.grad.advice.init": (
        "Gradienty były tak duże już w pierwszym obserwowanym kroku, zanim jakakolwiek "
        "aktualizacja mogła powiększyć wagi: jeśli był to pierwszy krok treningu, przyczyną jest "
        "najpewniej inicjalizacja (wylosowane wagi są za duże: zostaw domyślną inicjalizację "
        "PyTorcha albo użyj nn.init.kaiming_normal_), niestandaryzowane dane wejściowe albo "
        "skala funkcji straty (cele regresji rzędu tysięcy lub więcej: standaryzuj je; strata "
        "sumowana po dużej partii: weź jej średnią), a nie współczynnik uczenia."
    ),
    "monitor.grad.advice.lr": (
        "Zmniejsz współczynnik uczenia albo, jeśli pętla jeszcze tego nie robi, przytnij "
        "gradienty (torch.nn.utils.clip_grad_norm_)."
    ),
    "monitor.grad.exploding_since": (
        "warstwa '{layer}' ma od kroku {start} normę gradientu {above} (największa {peak:.3g}; "
        "teraz {norm:.3g}): tak duże kroki sprawiają, że trening jest niestabilny. {advice}"
    ),
    "monitor.grad.exploding_since_many": (
        "warstwy {shown} (razem {n}) mają od kroku {start} normy gradientu {above} (największa "
        "{peak:.3g}; teraz od {low:.3g} do {high:.3g}): tak duże kroki sprawiają, że trening jest "
        "niestabilny. {advice}"
    ),
    "monitor.grad.nonfinite_many": (
        "gradienty warstw {shown} (razem {n}) nie są skończone, to NaN albo nieskończoność. "
        "{advice}"
    ),
    "monitor.grad.nan_advice.grew": (
        "Normy gradientu rosły już wcześniej: trening się rozbiegł. Zmniejsz współczynnik uczenia "
        "albo przytnij gradienty (torch.nn.utils.clip_grad_norm_)."
    ),
    "monitor.grad.nan_advice.sudden": (
        "Pojawiło się nagle, bez rosnącego wcześniej gradientu: coś w forward albo w funkcji "
        "straty dało NaN lub nieskończoność (log(0), dzielenie przez 0, pierwiastek z liczby "
        "ujemnej) albo zawierają je dane tej partii. Sprawdź dane i funkcję straty; mniejszy "
        "współczynnik uczenia tego nie naprawi."
    ),
    "monitor.grad.none": (
        "warstwa '{layer}' nie dostaje żadnego gradientu, choć pozostałe warstwy dostają: graf "
        "jest przecięty między nią a funkcją straty (.detach(), .item() albo .numpy() w "
        "forward) albo forward w ogóle jej nie wywołuje (brakuje x = self.layer(x)), więc jej "
        "wagi się nie zmieniają. Jeśli tak ma być (zamrożona część), wywołaj na niej "
        "requires_grad_(False)."
    ),
    "monitor.grad.replaced": (
        "warstwa '{layer}' (albo jeden z jej parametrów) została w modelu zastąpiona po"
        " utworzeniu tego GradientWatch, więc obserwacja wciąż czyta stare wagi, nie nowe. Jeśli"
        " zastąpiono ją celowo (nowa głowa do dostrajania), utwórz GradientWatch, a także"
        " optymalizator, dopiero po zmianie modelu. Jeśli zastępuje ją forward (`self.fc ="
        " nn.Linear(...)` wewnątrz forward tworzy przy każdym wywołaniu nowe losowe wagi, których"
        " optymalizator nigdy nie widzi), utwórz warstwę raz, w __init__."
    ),
    "monitor.grad.added": (
        "warstwa '{layer}' została dodana do modelu po utworzeniu tego GradientWatch, więc"
        " obserwacja nie czyta jej gradientu: nie ma jej wśród norm ani w tabeli, a porównanie"
        " pierwszej warstwy z ostatnią ją pomija. Jeśli dodano ją celowo (nowa warstwa albo"
        " głowa), utwórz GradientWatch, a także optymalizator, dopiero po zmianie modelu. Jeśli"
        " dodaje ją forward (`self.fc = nn.Linear(...)` wewnątrz forward), utwórz warstwę raz,"
        " w __init__."
    ),
    "monitor.grad.added_many": (
        "warstwy {shown} (razem {n}) zostały dodane do modelu po utworzeniu tego GradientWatch,"
        " więc obserwacja nie czyta ich gradientów: nie ma ich wśród norm ani w tabeli, a"
        " porównanie pierwszej warstwy z ostatnią je pomija. Jeśli dodano je celowo, utwórz"
        " GradientWatch, a także optymalizator, dopiero po zmianie modelu. Jeśli dodaje je"
        " forward (`self.fc = nn.Linear(...)` wewnątrz forward), utwórz warstwy raz, w __init__."
    ),
    "monitor.grad.exploding": (
        "warstwa '{layer}' ma normę gradientu {norm:.3g} ({above}): tak duże kroki "
        "sprawiają, że trening jest niestabilny. {advice}"
    ),
    "monitor.grad.nonfinite": "gradient warstwy '{layer}' jest {value}. {advice}",
    "monitor.grad.eval_mode": (
        "model trenuje w trybie ewaluacji (wywołano model.eval(), a potem już nie model.train()):"
        " jego {modules} {act} jak podczas testu, więc {effects}. Wywołaj model.train() na"
        " początku każdej epoki treningu (po walidacji"
        " z model.eval())."
    ),
    "monitor.grad.not_reset": (
        "w {steps} kolejnych krokach każde .grad było dodawane do .grad z poprzedniego kroku:"
        " nic nie zerowało gradientów między krokami, więc każdy krok stosuje sumę wszystkich"
        " dotychczasowych gradientów (ich norma: od {first:.3g} do {now:.3g}), a nie"
        " gradient tej partii. Wywołuj optimizer.zero_grad() przed każdym loss.backward()"
        " (właściwa kolejność to zero_grad(), backward(), step())."
    ),
    "monitor.grad.step_none": (
        "optimizer.step() wykonano {steps} razy z rzędu, gdy żaden parametr nie miał "
        "gradientu (każdy .grad był None): kroki niczego nie zmieniają i model się nie uczy. "
        "Najpewniej optimizer.zero_grad() jest wywoływane po loss.backward(), a przed "
        "optimizer.step(), więc usuwa gradienty, zanim zostaną użyte (właściwa kolejność to "
        "zero_grad(), backward(), step()), albo loss.backward() w ogóle nie jest wywoływane."
    ),
    "monitor.grad.step_zero": (
        "optimizer.step() wykonano {steps} razy z rzędu, gdy każdy gradient był dokładnie "
        "zerem: kroki nie mają żadnego sygnału i model się nie uczy. Najpewniej "
        "optimizer.zero_grad() jest wywoływane po loss.backward(), a przed optimizer.step(), "
        "więc zeruje gradienty, zanim zostaną użyte (właściwa kolejność to zero_grad(), "
        "backward(), step()), albo loss.backward() nie jest wywoływane, albo funkcja straty "
        "nie zależy od wag (strata stała: entropia krzyżowa dla jednego wyjścia zawsze daje 0)."
    ),
    "monitor.grad.closure_none": (
        "optimizer.step(closure) wykonano {steps} razy z rzędu, gdy po wywołaniu domknięcia "
        "żaden parametr nie miał gradientu (każdy .grad był None): kroki niczego nie zmieniają "
        "i model się nie uczy. Domknięcie musi wywołać loss.backward() po "
        "optimizer.zero_grad() i zwrócić stratę."
    ),
    "monitor.grad.closure_zero": (
        "optimizer.step(closure) wykonano {steps} razy z rzędu, gdy po wywołaniu domknięcia "
        "każdy gradient był dokładnie zerem: kroki nie mają żadnego sygnału i model się nie "
        "uczy. Najpewniej domknięcie nie wywołuje loss.backward() po optimizer.zero_grad() "
        "(musi to robić i zwracać stratę), albo funkcja straty nie zależy od wag."
    ),
    "monitor.grad.watch_zero": (
        "watch.step() wykonano {steps} razy z rzędu, gdy każdy gradient był dokładnie zerem: "
        "najpewniej watch.step() jest wywoływane po optimizer.zero_grad(set_to_none=False) albo "
        "p.grad.zero_(), które zerują gradienty. Wywołuj watch.step() po loss.backward(), a przed "
        "zero_grad(). Jeśli tak już jest, funkcja straty nie zależy od wag."
    ),
    "monitor.grad.watch_none": (
        "watch.step() wykonano {steps} razy z rzędu, gdy żaden parametr nie miał gradientu (każdy "
        ".grad był None): wywołuj watch.step() po loss.backward(), a przed optimizer.zero_grad(), "
        "które usuwa gradienty. Jeśli tak już jest, to loss.backward() w ogóle nie jest wywoływane."
    ),
    "monitor.grad.step_unreached": (
        "optimizer.step() wykonano {steps} razy z rzędu, gdy żaden parametr, który trzyma, nie "
        "miał gradientu, a żadne loss.backward() w międzyczasie do nich nie dotarło: kroki "
        "niczego nie zmieniają. Możliwe są trzy przyczyny: loss.backward() w ogóle nie jest "
        "wywoływane; albo za stratą nie stoi żaden graf, więc jej przejście wstecz kończy się na "
        "niej samej (powstała z liczby przez .item() i torch.tensor(...), z wartości po "
        ".detach() albo w przejściu w przód pod torch.no_grad(); requires_grad=True tylko "
        "ucisza błąd PyTorcha): licz ją jako loss = loss_fn(model(x), y) i zostaw ją tensorem; "
        "albo strata pochodzi z innego modelu: czy komórka, która tworzy model, została "
        "uruchomiona ponownie, a ta, która tworzy optymalizator (i GradientWatch), nie? Nadal "
        "trzymają one parametry starego modelu, a pętla trenuje nowy: uruchom je ponownie po "
        "niej."
    ),
    "monitor.grad.watch_unreached": (
        "watch.step() wykonano {steps} razy z rzędu, gdy żaden parametr, który odczytuje, nie "
        "miał gradientu, a żadne loss.backward() w międzyczasie do nich nie dotarło. Możliwe są "
        "trzy przyczyny: loss.backward() w ogóle nie jest wywoływane; albo za stratą nie stoi "
        "żaden graf, więc jej przejście wstecz kończy się na niej samej (powstała z liczby przez "
        ".item() i torch.tensor(...), z wartości po .detach() albo w przejściu w przód pod "
        "torch.no_grad(); requires_grad=True tylko ucisza błąd PyTorcha): licz ją jako "
        "loss = loss_fn(model(x), y) i zostaw ją tensorem; albo strata pochodzi z innego "
        "modelu: czy komórka, która tworzy model, została uruchomiona ponownie, a ta, która "
        "tworzy GradientWatch, nie? Nadal odczytuje on parametry starego modelu, a pętla "
        "trenuje nowy: uruchom ją ponownie po niej."
    ),
    "monitor.grad.zero_flat": (
        "{call} wykonano {steps} razy z rzędu, gdy każdy gradient był dokładnie zerem, a te "
        "zera dało już samo loss.backward(): strata nie zmienia się wraz z wagami, więc nie ma "
        "się z czego uczyć (kolejność zero_grad(), backward() i step() nie jest przyczyną). "
        "Najczęściej strata wynosi dokładnie 0: logity są tak duże, że entropia krzyżowa "
        "zaokrągla się do 0, bo rozdmuchał je o wiele za duży współczynnik uczenia (zmniejsz go "
        "10 do 100 razy). W przeciwnym razie strata jest stała i nie zależy od wag (entropia "
        "krzyżowa dla jednego wyjścia zawsze daje 0)."
    ),
    "monitor.grad.never_stepped": (
        "Zapisano już {epochs}, a optimizer.step() nie wykonano ani razu, choć "
        "po loss.backward() model ma gradienty: wagi się nie zmieniają, więc strata stoi "
        "tam, gdzie zaczęła. Wywołuj optimizer.step() po loss.backward() w każdym kroku "
        "uczenia."
    ),
    # Monitor(model=...), którego model nie zmienił wag, choć zapisywano stratę treningową
    # (nngraph/monitor/_unchanged.py)
    "monitor.unchanged.weights": (
        "Wagi modelu nie zmieniły się wcale od epoki {first} (zapisane epoki ze stratą"
        " treningową: {epochs}), więc model niczego się nie uczy. Sprawdź, czy optimizer.step()"
        " jest wywoływany po loss.backward() w każdym kroku uczenia, czy optymalizator jest"
        " zbudowany na parametrach tego modelu (optimizer = torch.optim.SGD(model.parameters(),"
        " lr=...), utworzony po modelu, tak jak Monitor(model=model)), czy współczynnik uczenia"
        " nie jest równy 0 i czy uczenie nie działa wewnątrz torch.no_grad()."
    ),
    "monitor.grad.zero_flat_start": (
        "{call} wykonano {steps} razy z rzędu, gdy każdy gradient był dokładnie zerem, od "
        "pierwszego kroku, a te zera dało już samo loss.backward(): strata nie zmienia się "
        "wraz z wagami, więc nie ma się z czego uczyć. Przyczyną nie jest ani kolejność "
        "zero_grad(), backward() i step(), ani współczynnik uczenia: żaden krok nie miał "
        "jeszcze gradientu, którym mógłby zmienić wagi. Najczęściej strata w ogóle nie zależy "
        "od wag: entropia krzyżowa dla jednego wyjścia zawsze daje 0 (daj modelowi 2 wyjścia "
        "dla CrossEntropyLoss albo użyj BCEWithLogitsLoss z jednym wyjściem). W przeciwnym "
        "razie logity już przed pierwszym krokiem były tak duże, że entropia krzyżowa "
        "zaokrągla się do 0 (model wytrenowany wcześniej z o wiele za dużym współczynnikiem "
        "uczenia albo ogromna inicjalizacja)."
    ),
    "monitor.grad.eval.norm": (
        "BatchNorm zamiast statystyk partii używa zapamiętanych statystyk bieżących "
        "(running_mean, running_var), których już nie aktualizuje"
    ),
    "monitor.grad.eval.dropout": "Dropout niczego nie wyłącza",
    "monitor.grad.eval.act": "działają",
    "monitor.grad.eval.act_one": "działa",
    "monitor.grad.value.inf": "nieskończony (za duży dla tego typu liczb)",
    "monitor.grad.value.nan": "równy NaN (to nie jest liczba)",
    # monitor: GradientWatch
    "monitor.gradwatch.lazy": (
        "GradientWatch nie może jeszcze obserwować tego modelu: parametry jego leniwych warstw"
        " ({names}) dostają kształt przy pierwszym przejściu w przód. Przepuść najpierw przez"
        " niego jedną partię, model(x), a potem utwórz GradientWatch (i optymalizator)"
    ),
    "monitor.gradwatch.no_params": "GradientWatch nie znalazł w modelu parametrów do trenowania",
    "monitor.gradwatch.optimizer": (
        "GradientWatch(optimizer=...) wymaga optymalizatora z torch.optim (tego, którego "
        ".step() wywołujesz), otrzymano {got}"
    ),
    "monitor.gradwatch.optimizer_first": (
        "GradientWatch przyjmuje jako pierwszy argument model, a dostał optymalizator ({got}): "
        "napisz GradientWatch(model, optimizer=opt)"
    ),
    "monitor.gradwatch.positional": (
        "GradientWatch przyjmuje według pozycji tylko model, a dostał drugi argument ({got}): "
        "podaj optymalizator jako argument nazwany, GradientWatch(model, optimizer=opt)"
    ),
    "monitor.gradwatch.monitor": (
        "GradientWatch(monitor=...) wymaga obiektu ng.Monitor, otrzymano {got}"
    ),
    "monitor.gradwatch.optimizer_other": (
        "optymalizator nie zawiera żadnego z parametrów tego modelu, więc jego step() nie"
        " trenuje tego modelu (a jego zero_grad() nie zeruje gradientów modelu, które gromadzą"
        " się krok po kroku). Czy komórka, która tworzy model, została uruchomiona ponownie,"
        " a ta, która tworzy optymalizator, nie? Utwórz optymalizator ponownie z tego modelu,"
        " np. opt = torch.optim.SGD(model.parameters(), lr=0.1), a potem obserwuj model"
    ),
    "monitor.gradwatch.more": "{n} innych",
    "monitor.gradwatch.optimizer_leaves_out": (
        "optymalizator nie zawiera {names}, choć mają requires_grad=True: optimizer.step() nigdy ich nie"
        " zmienia, a optimizer.zero_grad() nigdy nie zeruje ich gradientów. Czy jakąś warstwę"
        " podmieniono po utworzeniu optymalizatora? Utwórz optymalizator po ostatniej zmianie"
        " modelu; jeśli mają celowo zostać bez zmian, wywołaj na nich requires_grad_(False)."
    ),
    "monitor.gradwatch.ratio": (
        "GradientWatch(ratio={ratio:g}): ratio to ułamek, ile razy mniejszy może być gradient "
        "pierwszej warstwy od gradientu ostatniej: 2000 razy mniejszy to ratio=5e-4 "
        "(1 / 2000, wartość domyślna). Musi być mniejszy niż {limit:g} (10 razy mniejszy)"
    ),
    "monitor.gradwatch.limits": (
        "GradientWatch(vanishing={vanishing!r}, exploding={exploding!r}): norma gradientu "
        "poniżej vanishing jest za mała, a powyżej exploding za duża, więc vanishing musi być "
        "mniejsze niż exploding, np. vanishing=1e-8, exploding=1e3 (wartości domyślne)"
    ),
    "monitor.gradwatch.optimizer_class": (
        "GradientWatch(optimizer=...) potrzebuje obiektu optymalizatora, a nie klasy {name}: "
        "podaj utworzony optymalizator, np. optimizer={name}(model.parameters(), lr=0.1)"
    ),
    "monitor.gradwatch.stepped_by_optimizer": (
        "GradientWatch: ten obiekt dostał optimizer=, więc sam zapisuje krok przy każdym "
        "optimizer.step(); wywołane dodatkowo watch.step() liczyłoby każdy krok dwa razy, "
        "dlatego tylko zwraca bieżące normy gradientów i niczego nie zapisuje. Aby zapisywać "
        "surowe normy (przed przycięciem albo odskalowaniem przez GradScaler), utwórz obiekt "
        "bez optimizer= i wywołuj watch.step() po każdym loss.backward()"
    ),
    "monitor.gradwatch.meta": (
        "GradientWatch.step(): gradienty warstwy '{layer}' są na urządzeniu meta (kształty bez "
        "wartości), więc nie mają normy do zapisania. Obserwuj model, którego wagi są na CPU "
        "albo GPU"
    ),
    "monitor.gradwatch.unknown_layer": (
        "brak norm gradientu dla warstwy {layer!r}: warstwy to {layers} (normy pojawiają się po"
        " pierwszym step())"
    ),
    "monitor.gradwatch.model": "(model)",
    "monitor.gradwatch.model_short": "model",  # w nawiasie repr: 1 warstwa (model)
    "monitor.gradwatch.table.columns": "warstwa|ostatnia|min|maks",
    "monitor.gradwatch.table.header": "{layer:<{w}}  {last:>10}  {low:>10}  {high:>10}",
    "monitor.gradwatch.table.row": "{layer:<{w}}  {last:>10.3g}  {low:>10.3g}  {high:>10.3g}",
    "monitor.gradwatch.repr": "<GradientWatch: {layers} ({names}); {steps}; {events}>",
    "monitor.gradwatch.no_steps": (
        "nie zapisano jeszcze żadnego kroku: wywołuj watch.step() po każdym loss.backward()"
        " albo zleć to optymalizatorowi: utwórz GradientWatch z optimizer=opt, a normy będą"
        " odczytywane przy każdym opt.step()"
    ),
    "monitor.gradwatch.no_steps_yet": (
        "nie zapisano jeszcze żadnego kroku: normy są odczytywane przy każdym optimizer.step()"
    ),
    "monitor.gradwatch.other_optimizer_since": (
        "po kroku {steps} nie zapisano kolejnych, choć parametry modelu dostały od tego czasu"
        " gradienty i zostały zmienione: czy optymalizator utworzono ponownie (jego komórkę"
        " uruchomiono jeszcze raz, by zmienić współczynnik uczenia)? GradientWatch wciąż"
        " śledzi stary: utwórz GradientWatch ponownie, z optimizer= ustawionym na nowy"
    ),
    "monitor.gradwatch.no_steps_other_optimizer": (
        "nie zapisano jeszcze żadnego kroku, choć parametry modelu dostały gradienty już po"
        " utworzeniu GradientWatch: normy są odczytywane przy każdym step() optymalizatora"
        " przekazanego temu GradientWatch, a ten nie wykonał jeszcze kroku. Czy optymalizator"
        " został utworzony ponownie po GradientWatch (jego komórka uruchomiona jeszcze raz)?"
        " GradientWatch wciąż śledzi stary: utwórz GradientWatch ponownie, z optimizer="
        " ustawionym na nowy"
    ),
    "monitor.gradwatch.no_gradients_unreached": (
        "brak norm gradientu do pokazania: optimizer.step() wykonano ({steps}), ale do jego"
        " parametrów nie dotarło żadne wywołanie loss.backward(), więc model się nie uczy"
        " (zdarzenie poniżej mówi, co może być przyczyną)"
    ),
    "monitor.gradwatch.no_gradients_at_step": (
        "brak norm gradientu do pokazania: optimizer.step() wykonano ({steps}), ale żaden"
        " parametr nie miał wtedy gradientu (każdy .grad był None), więc model się nie uczy."
        " Czy zero_grad() nie jest wywoływane między backward() a step()? Właściwa kolejność"
        " to zero_grad(), backward(), step()"
    ),
    "monitor.gradwatch.no_gradients": (
        "brak norm gradientu do pokazania: watch.step() wywołano ({steps}), ale żaden parametr"
        " nie miał wtedy gradientu (każdy .grad był None). Wywołuj watch.step() po"
        " loss.backward(), a przed optimizer.zero_grad(): zero_grad(), backward(), watch.step(),"
        " optimizer.step()"
    ),
    "monitor.gradwatch.all_frozen": (
        "brak norm gradientu do pokazania: w każdym zapisanym kroku ({steps}) wszystkie"
        " parametry były zamrożone (requires_grad równe False), więc nic się nie uczy. Wywołaj"
        " requires_grad_(True) na warstwach, które mają się uczyć"
    ),
    "monitor.gradwatch.copy": (
        "GradientWatch nie można skopiować (copy.copy, copy.deepcopy) ani zapisać przez pickle"
        " czy torch.save: to żywa obserwacja jednego modelu, podpięta pod jego optymalizator."
        " Zapisz zamiast tego to, co przechowuje: gw.snapshot() (normy każdej warstwy i"
        " zdarzenia, jako listy i słowniki), gw.history(layer) dla jednej warstwy albo"
        " gw.table() jako tekst"
    ),
    # monitor: wiersze tekstowe i podsumowanie
    "monitor.text.epoch": "epoka {epoch:>4}",
    "monitor.text.step": "krok {step:>5}",
    "monitor.text.metric": "{name} {value:.4g}",
    "monitor.text.pair": "{name} {train:.4g} / wal. {val:.4g}",
    "monitor.text.best_mark": " *",
    "monitor.text.event": "  ! {message}",
    "monitor.text.stop": "  -> {detector} proponuje zatrzymać trening w epoce {epoch}",
    "monitor.text.stop_step": "  -> {detector} proponuje zatrzymać trening w kroku {epoch}",
    "monitor.summary.best": "najlepszy wynik {metric}: {value:.4g} w epoce {epoch} (krok {step})",
    "monitor.summary.none": "nic jeszcze nie zapisano",
    "monitor.summary.training_only": (
        "{metric} {last:.4g} w epoce {epoch} ({extreme} {best:.4g}); nie zapisano metryki "
        "walidacyjnej"
    ),
    "monitor.summary.training_only_step": (
        "{metric} {last:.4g} w kroku {epoch} ({extreme} {best:.4g}); nie zapisano metryki "
        "walidacyjnej"
    ),
    "monitor.summary.not_logged": (
        "brak najlepszego wyniku {metric}: ta metryka nie została zapisana (zapisane: {logged})"
    ),
    "monitor.summary.pick_metric": (
        "aby zachować wagi epoki z najlepszym {metric}, obserwuj tę metrykę: metric={metric!r}"
        " (ng.Monitor(model=model, metric=...) albo NNGraphCallback(metric=...) w Lightningu)"
    ),
    "monitor.summary.no_finite": (
        "brak najlepszego wyniku {metric}: każda dotychczasowa wartość była NaN lub nieskończona"
    ),
    "monitor.summary.restore": "{call} przywraca te wagi",
    # zamiast wiersza o restore_best, gdy obserwowana strata spada poniżej 0 bez końca
    # (NLLLoss na surowych wynikach: nngraph/monitor/_negative_loss.py)
    "monitor.summary.negative_best": (
        "to tylko najbardziej ujemna wartość straty, która spada poniżej 0 bez końca (zob."
        " ostrzeżenie), a nie najlepszy wynik: restore_best() nie przywróci lepszego modelu."
        " Najpierw popraw stratę (log_softmax przed NLLLoss), potem ucz od nowa"
    ),
    "monitor.summary.restore_watched": (
        "{call} przywraca te wagi do modelu obserwowanego przez ten monitor"
    ),
    "monitor.summary.restore_unnamed": (
        "restore_best() tego monitora przywraca te wagi do modelu, który on obserwuje"
    ),
    "monitor.summary.restored": "najlepsze wagi (z epoki {epoch}) zostały przywrócone do modelu",
    "monitor.summary.stale": (
        "restore_best() nie przywróci wag zachowanych dla tego wyniku: model obserwowany przez"
        " ten monitor nie zmienił się od epoki {since}, więc to wagi starego modelu (trenowany"
        " był inny obiekt modelu)"
    ),
    "monitor.summary.events": "{events}:",
    "monitor.repr": "<Monitor{name}: {epochs}{best}; {events}>",
    "monitor.count.epoch.one": "{n} epoka",
    "monitor.count.epoch.few": "{n} epoki",
    "monitor.count.epoch.many": "{n} epok",
    "monitor.count.epoch.other": "{n} epoki",
    "monitor.count.event.one": "{n} zdarzenie",
    "monitor.count.event.few": "{n} zdarzenia",
    "monitor.count.event.many": "{n} zdarzeń",
    "monitor.count.event.other": "{n} zdarzenia",
    "monitor.count.layer.one": "{n} warstwa",
    "monitor.count.layer.few": "{n} warstwy",
    "monitor.count.layer.many": "{n} warstw",
    "monitor.count.layer.other": "{n} warstwy",
    "monitor.count.step.one": "{n} krok",
    "monitor.count.step.few": "{n} kroki",
    "monitor.count.step.many": "{n} kroków",
    "monitor.count.step.other": "{n} kroku",
    "monitor.repr.best": "; najlepszy wynik {metric}: {value:.4g}",
    # monitor: przywracanie najlepszych wag
    "monitor.weights.mismatch": (
        "model nie pasuje do zapisanych najlepszych wag ({details}): restore_best() potrzebuje "
        "tej samej architektury co model przekazany do Monitor(model=...)"
    ),
    "monitor.weights.missing": "brakuje {names}",
    "monitor.weights.unexpected": "nadmiarowe {names}",
    "monitor.weights.shape": "{name} ma {got}, a zapisano {saved}",
    "monitor.weights.more": " (+{n} więcej)",
    "monitor.weights.meta": (
        "wagi modelu {names} są na urządzeniu meta, które przechowuje kształty, ale nie"
        " wartości (po model.to('meta') albo w modelu zbudowanym pod torch.device('meta')),"
        " więc restore_best() nie ma gdzie wpisać najlepszych wartości. Najpierw daj modelowi"
        " prawdziwą pamięć (model.to_empty(device='cpu')), potem wywołaj restore_best()"
    ),
    "monitor.weights.dtype": (
        "wagi modelu są teraz typu {got}, a najlepsze wagi zapisano jako {saved} ({names}): "
        "restore_best() przywraca najlepsze wartości tylko do typu, który przechowa je bez "
        "utraty dokładności. Najpierw zmień typ modelu z powrotem ({convert}), wywołaj "
        "restore_best(), a potem w razie potrzeby zmień go ponownie"
    ),
    # monitor: Runs i compare
    "monitor.runs.table.run": "przebieg",
    "monitor.runs.table.epochs": "epoki",
    "monitor.runs.table.best_epoch": "najlepsza epoka według {metric}",
    "monitor.runs.table.stop": "zatrzymanie",
    "monitor.runs.table.stopped": "{detector} @ {epoch}",
    "monitor.runs.table.none": "-",
    "monitor.runs.table.winner": " *",
    "monitor.runs.table.tie": (
        "* remis: {names} osiągają ten sam najlepszy wynik {metric} ({value})"
    ),
    "monitor.runs.table.names": "{first} i {last}",
    "monitor.runs.table.empty": "nie ma jeszcze przebiegów: runs.new('small')",
    "monitor.runs.default_name": "przebieg {i}",
    "monitor.runs.table.by_logged": (
        "porównanie według {metric}: żaden przebieg nie zapisał {watched}, metryki śledzonej"
        " przez ich monitory"
    ),
    "monitor.runs.table.watched_differ": (
        "monitory przebiegów obserwują różne metryki ({watched}): porównanie według {metric},"
        " którą obserwuje przebieg '{run}' (pierwszy, który zapisał obserwowaną przez siebie"
        " metrykę); aby uszeregować je według innej, podaj ją: metric={other!r}"
    ),
    "monitor.runs.table.not_ranked": "poza rankingiem (nie zapisano {metric}): {names}",
    "monitor.runs.table.by_batches": (
        "wartości {metric} są zapisywane partia po partii, więc najlepszy wynik"
        " przebiegu to wartość z jednej partii ({extreme}), w równym stopniu szczęście co nauka;"
        " aby uczciwie porównać przebiegi, zapisuj metrykę walidacyjną (val_loss) raz na epokę"
    ),
    "monitor.runs.table.extreme_min": "najniższa",
    "monitor.runs.table.extreme_max": "najwyższa",
    "monitor.runs.table.restores_other": (
        "restore_best() przywraca najlepszą epokę przebiegu według {kept}, metryki, którą"
        " obserwuje jego monitor, a nie najlepszą według {metric} pokazaną tutaj; aby zachować"
        " te wagi, podaj monitorom metric={metric!r} (ng.Monitor albo NNGraphCallback)"
    ),
    "monitor.runs.table.not_ranked_common": (
        "poza rankingiem (nie zapisano {metric}): {names}; aby porównać według metryki"
        " {common}, którą zapisują też one: metric={common!r}"
    ),
    "monitor.runs.error.runs_given": (
        "compare() przyjmuje monitory, a to jest Runs, który już porównuje swoje przebiegi:"
        " print(runs.table()). Aby porównać je według innej metryki:"
        " ng.compare(runs.monitors, metric='val_acc')"
    ),
    "monitor.runs.error.no_monitors": (
        "compare() nie otrzymała żadnych monitorów (nic albo pusta lista lub słownik): podaj"
        " przebiegi do porównania, ng.compare(mon_a, mon_b), albo jedną listę lub słownik z"
        " nimi, ng.compare(results)"
    ),
    "monitor.runs.error.same_key": (
        "compare() otrzymała klucze słownika {first!r} i {second!r}, które oba dają przebiegowi"
        " nazwę {name!r}: przebiegi rozróżnia się po nazwie, więc użyj kluczy, które zapisują"
        " się inaczej"
    ),
    "monitor.runs.warn.replaced": (
        "nngraph Runs: przebieg o nazwie {name!r} już był (komórka, która go tworzy,"
        " uruchomiona ponownie?): nowy przebieg zastępuje go w tabeli i na wykresie. Aby"
        " zachować oba, nadaj nowemu inną nazwę."
    ),
    "monitor.runs.error.copy": (
        "Runs nie można skopiować (copy.copy, copy.deepcopy) ani zapisać przez pickle czy"
        " torch.save: zawiera żywe przebiegi (każdy to Monitor, z widokiem i słuchaczami)."
        " Zapisz zamiast tego to, co przechowują: porównanie przez runs.rows() albo"
        " runs.table(), a historię każdego przebiegu przez runs[name].to_csv(path), dla każdej"
        " nazwy z runs.names"
    ),
    "monitor.runs.error.not_monitor": (
        "compare() przyjmuje monitory: pojedynczo, ng.compare(mon_a, mon_b), albo w jednej"
        " liście lub słowniku, ng.compare(results); otrzymano {got}"
    ),
    "monitor.runs.error.for_key": "{got} pod kluczem {key!r}",
    "monitor.runs.error.unknown": "nie ma przebiegu o nazwie {name!r}; przebiegi: {names}",
    "monitor.runs.error.new_option": (
        "runs.new() nie ma opcji {name!r}{hint}; przyjmuje nazwę, model i opcje ng.Monitor: {known}"
    ),
    "monitor.runs.error.did_you_mean": " (czy chodziło o {name!r}?)",
    "monitor.runs.error.add_not_monitor": (
        "runs.add() przyjmuje ng.Monitor, otrzymano {got!r}; aby zacząć nowy przebieg o danej "
        "nazwie, użyj runs.new(name), np. runs.new('small')"
    ),
    "monitor.runs.error.added_twice": (
        "ten monitor już jest jednym z przebiegów, jako {name!r}: dodaj każdy przebieg raz "
        "(nowy przebieg potrzebuje własnego monitora, np. runs.new('b'))"
    ),
    "monitor.runs.error.same_monitor": (
        "funkcja compare() otrzymała ten sam monitor dwa razy (argumenty {first} i {second}): "
        "podaj "
        "każdy przebieg raz, np. ng.compare(mon_a, mon_b)"
    ),
    "monitor.runs.warn.metric_missing": (
        "nngraph Runs: żaden przebieg nie zapisał metryki {metric!r} (zapisane: {logged}),"
        " więc tabela pokazuje dla niej - i nie ma zwycięzcy. Porównuj według metryki, którą"
        " zapisują przebiegi (metric='twoja_nazwa'), albo zapisuj {metric!r} w każdym przebiegu."
    ),
    "monitor.runs.warn.metric_close": (
        "nngraph Runs: żaden przebieg nie zapisał metryki {metric!r} (zapisane: {logged}):"
        " czy chodziło o {close!r}? Dopóki któryś jej nie zapisze, tabela pokazuje dla niej -"
        " i nie ma zwycięzcy. Porównuj według nazwy, którą zapisują przebiegi: metric={close!r}."
    ),
    "monitor.runs.warn.mode_unknown": (
        "nngraph Runs: z nazwy metryki {metric!r} nie wynika, czy lepsza jest wyższa, czy"
        " niższa wartość, więc jest traktowana jak strata (lepsza niższa) i wygrywa przebieg"
        ' z najniższą wartością; dla dokładności albo innego wyniku podaj mode="max"'
        ' (compare(..., mode="max") albo Runs(mode="max")), a mode="min", żeby zostawić ją'
        " stratą bez tego ostrzeżenia."
    ),
    "monitor.runs.error.same_name": (
        "funkcja compare() otrzymała dwa monitory o nazwie {name!r}, a przebiegi rozróżnia "
        "się po "
        "nazwie: utwórz je z różnymi nazwami, np. ng.Monitor(name='lr=0.1'), albo dodaj je pod "
        "nowymi nazwami: runs = ng.Runs(); runs.add(mon_a, name='a'); runs.add(mon_b, name='b')"
    ),
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
    "lossview.rate": "{rate} ep./s",
    "lossview.seconds_per_epoch": "{seconds} s/ep.",
    "lossview.eta": "zostało ok. {eta}",
    "lossview.waiting": "czekam na pierwsze mon.log(...)",
    "lossview.waiting_gradients": "czekam na pierwsze gradienty (watch.step() albo optimizer.step())",
    "lossview.no_gradients_unreached": (
        "optimizer.step() się wykonuje, ale do jego parametrów nie dotarło żadne wywołanie"
        " loss.backward(): nie ma czego narysować, a model się nie uczy (zdarzenie poniżej"
        " mówi, co może być przyczyną)."
    ),
    "lossview.no_gradients": (
        "optimizer.step() się wykonuje, ale w chwili kroku żaden parametr nie ma gradientu:"
        " nie ma czego narysować, a model się nie uczy. Czy zero_grad() nie jest wywoływane"
        " między backward() a step()? Właściwa kolejność to zero_grad(), backward(), step()."
    ),
    "lossview.best": "najlepsza epoka {epoch}: {metric} = {value}",
    "lossview.detector_user": "przycisk Zatrzymaj",
    "lossview.event": "epoka {epoch} · {detector}\n{message}",
    "lossview.event_step": "krok {epoch} · {detector}\n{message}",
    "lossview.log_refused": " (skala liniowa: brak wartości powyżej 0)",
    "lossview.gradients": "norma gradientu w każdej warstwie",
    "lossview.axis_step": "krok",
    "lossview.run": "przebieg",
    "lossview.epochs": "epoki",
    "lossview.best_epoch": "najlepsza epoka według {metric}",
    "lossview.stop_column": "zatrzymanie",
    "lossview.none": "-",
    "lossview.tie": "remis: {names} osiągają ten sam najlepszy wynik {metric}",
    "lossview.and": "{first} i {last}",
    # the legend of compared runs: training curves dashed, validation curves solid
    "lossview.training": "trening",
    "lossview.validation": "walidacja",
    # the hover readout: the value as logged, and what is drawn where that differs
    "lossview.smoothed_value": "{value} (po wygładzeniu {smoothed})",
    "lossview.off_log": "{value} (poza skalą logarytmiczną)",
    "lossview.none_on_log": "{label} (brak wartości powyżej 0: poza skalą logarytmiczną)",
    # how the views write a decimal number: "0,25"
    "lossview.decimal": ",",
    "graphview.decimal": ",",
    "lossview.plain": "nngraph, krzywe uczenia: {metrics}",
    "lossview.earlier_events": "… i {events} wcześniej",
    "lossview.plain_gradients": "nngraph, normy gradientu w warstwach: {layers}",
    "lossview.not_built": "nngraph: podgląd krzywych uczenia na żywo nie jest zbudowany. Uruchom scripts/setup.sh (albo: cd js && npm ci && npm run build) i zrestartuj jądro.",
    "monitor.stop_requested_step": "poproszono o zatrzymanie w kroku {epoch}",
    "monitor.stop_requested": "poproszono o zatrzymanie w epoce {epoch}",
    # graph: problemy wykryte przez g.health() (opis zostaje w języku z chwili wywołania)
    "graph.health.vanishing": (
        "Gradient zanika: w drodze wstecz maleje około {per_layer:.1f} razy na warstwę (nie"
        " licząc tego, co zmieniają same różne szerokości warstw), więc wagi {first} dostają"
        " gradient około {times} razy mniejszy (RMS) niż wagi {last}. {effect}. {remedy}"
    ),
    "graph.health.head_cause_unknown": (
        "Gradient wagi to jej wejście razy gradient za nią: wartości dalekie od wycentrowania"
        " albo bardzo duże, wchodzące do ostatniej warstwy, dają jej duży gradient, a LayerNorm"
        " tuż przed nią je wyrówna."
    ),
    "graph.health.head_cause_uncentred": (
        "Gradient wagi to jej wejście razy gradient za nią, a ostatnia warstwa czyta wartości"
        " dalekie od wycentrowania (średnia {mean:.3g}; odchylenie {std:.3g}): jej gradient"
        " wyrówna się z pozostałymi po dodaniu LayerNorm tuż przed nią albo przy aktywacjach"
        " wycentrowanych wokół zera."
    ),
    # cała zmiana w jednym kroku, do ostatniej warstwy: {cause} to jeden z kluczy head_cause_*
    "graph.health.vanishing_head": (
        "Prawie cała różnica między gradientami warstw leży w jednym kroku: wagi {last}"
        " dostają gradient około {times} razy większy (RMS) niż wagi {before} tuż przed nią,"
        " a na {hidden} warstwach od {first} do {before} gradient zmienia się znacznie mniej"
        " (RMS od {low:.2g} do {high:.2g}). Gradient nie zanika więc w głąb sieci: to gradient"
        " ostatniej warstwy jest nieproporcjonalnie duży, a jeden krok uczenia przesuwa ją"
        " znacznie bardziej niż pozostałe. {cause}"
    ),
    # {effect} w vanishing / exploding: jedna warstwa przed ostatnią albo kilka
    "graph.health.effect.barely_learn_one": "Pierwsza warstwa prawie się nie uczy",
    "graph.health.effect.barely_learn_many": "Pierwsze warstwy prawie się nie uczą",
    "graph.health.effect.unstable_one": "Pierwsza warstwa robi ogromne, niestabilne kroki",
    "graph.health.effect.unstable_many": "Pierwsze warstwy robią ogromne, niestabilne kroki",
    "graph.health.vanishing_shrunk": (
        "Wagi {where_module} dostają prawie zerowy gradient (RMS {rms:.1e}), więc ta warstwa"
        " się nie uczy. Wagi sieci ({shrunk}) to setna część tego, od czego zaczyna PyTorch,"
        " albo jeszcze mniej, a gradient każdej warstwy przechodzi przez wagi wokół niej. Albo"
        " zainicjowano je o wiele za małe, albo zmniejszył je trening (o wiele za duże"
        " weight_decay: zwykle 1e-4 do 1e-2; albo tak duży współczynnik uczenia, że trening się"
        " załamał): zainicjuj je tak jak warstwy PyTorcha albo zmniejsz weight_decay i trenuj od"
        " nowa na świeżym modelu."
    ),
    "graph.health.vanishing_equal": (
        "Wagi {where_module} dostają prawie zerowy gradient (RMS {rms:.1e}), więc ta warstwa"
        " się nie uczy. Wagi w {equal} mają wszędzie jedną wartość: jednostki,"
        " które łączą, dostają ten sam gradient, a tam, gdzie te gradienty się"
        " spotykają, znoszą się (po softmaksie gradienty klas sumują się do zera). Zainicjuj wagi"
        " losowo (warstwy PyTorcha robią to domyślnie)."
    ),
    "graph.health.vanishing_tiny": (
        "Wagi {where_module} dostają prawie zerowy gradient (RMS {rms:.1e}), więc ta warstwa"
        " się nie uczy. Gradient zmniejszają zbyt małe wagi początkowe (tak działa domyślna"
        " inicjalizacja PyTorcha w głębokiej sieci z ReLU) albo warstwy sigmoid/tanh za nią:"
        " użyj aktywacji z rodziny ReLU z nn.init.kaiming_normal_ i dodaj BatchNorm albo"
        " LayerNorm."
    ),
    "graph.health.vanishing_zero": (
        "Wagi {where_module} dostają gradient równy dokładnie zeru, więc ta warstwa niczego się "
        "nie uczy z tej partii: zero przed nią albo za nią zatrzymuje gradient (jednostki ReLU "
        "dające zero dla całej partii, maska, wagi równe zeru, gałąź, której ta partia nie "
        "używa)."
    ),
    "graph.health.vanishing_flat": (
        "Wagi {where_module} dostają gradient równy dokładnie zeru, więc ta warstwa niczego się"
        " nie uczy: operacja {flat_op} za nią jest płaska wszędzie, gdzie jest określona (jej gradient"
        " to 0), więc żaden gradient przez nią nie wraca. Żeby przez nią trenować, omiń ją"
        " estymatorem straight-through: h + (h.{flat_op}() - h).detach() ma wartości"
        " h.{flat_op}() i przekazuje gradient do h bez zmian."
    ),
    "graph.health.vanishing_underflow": (
        "Wagi {where_module} dostają gradient równy dokładnie zeru, więc ta warstwa niczego się"
        " nie uczy z tej partii: gradient maleje w każdej warstwie w drodze wstecz i do tej"
        " warstwy dociera już tak mały, że float32 zaokrągla go do zera. Pomoże to samo co na"
        " zanikający gradient: aktywacje z rodziny ReLU z nn.init.kaiming_normal_, BatchNorm"
        " albo LayerNorm lub połączenia rezydualne."
    ),
    "graph.health.vanishing_small_batch": (
        "Wstecz od {what} prawie nie płynie gradient, więc {before}: BatchNorm działa w trybie"
        " treningowym, czyli normalizuje każdy kanał po całej partii, a ta partia daje mu tylko"
        " {values} wartości na kanał. Przy tak małej liczbie wartości normalizacja do średniej 0"
        " i wariancji 1 daje (prawie) te same wyniki, cokolwiek wejdzie (dwie wartości zawsze"
        " stają się -1 i +1)."
        " Ucz na partiach po 16 przykładów lub więcej; żeby obejrzeć jeden przykład albo kilka,"
        " najpierw wywołaj model.eval() (BatchNorm użyje wtedy zapamiętanych statystyk bieżących)"
        " albo użyj LayerNorm, który normalizuje każdy przykład osobno."
    ),
    # ten sam BatchNorm, gdy gradient się na nim nie zatrzymuje (przy dwóch bliskich wartościach
    # rządzi jego eps) albo nie jest znany
    "graph.health.vanishing_small_batch_fixed": (
        "W trybie treningu BatchNorm normalizuje każdy kanał po całej partii, a ta partia"
        " daje {what} tylko {values} wartości na kanał. Po normalizacji do średniej 0 i"
        " wariancji 1 dwie wartości zawsze stają się -1 i +1, cokolwiek wejdzie (chyba że są"
        " prawie równe), więc warstwy przed tą operacją prawie nie mają wpływu na jej wynik i"
        " nie nauczą się z tej partii niczego użytecznego. Ucz na partiach po 16 przykładów"
        " lub więcej; żeby obejrzeć jeden przykład albo kilka, najpierw wywołaj model.eval()"
        " (BatchNorm użyje wtedy zapamiętanych statystyk bieżących) albo użyj LayerNorm, który"
        " normalizuje każdy przykład osobno."
    ),
    "graph.health.normalised_before.one": "warstwa przed nią się nie uczy",
    "graph.health.normalised_before.few": "{n} warstwy przed nią się nie uczą",
    "graph.health.normalised_before.many": "{n} warstw przed nią się nie uczy",
    "graph.health.vanishing_summed_probabilities": (
        "Przez {what} nie przechodzi wstecz prawie żaden gradient ({share:.0e} tego, co do niego"
        " dociera), więc {before}. Strata tylko sumuje prawdopodobieństwa, a one w każdym wierszu"
        " dają 1, cokolwiek poda model: ta strata jest stałą (przy sumie: rozmiarem partii) i nie"
        " może się zmienić. Porównaj wyjście z prawdziwymi celami: F.cross_entropy(scores,"
        " labels) na surowych wynikach, która sama stosuje softmax."
    ),
    "graph.health.vanishing_normalised": (
        "Do {what} dociera gradient, ale dalej wstecz przechodzi prawie nic ({share:.0e} tego"
        " gradientu), więc {before}. Strata czyta tylko to, co normalizacja utrzymuje stałe dla"
        " każdego wejścia: znormalizowane wyjście ma zawsze tę samą sumę i ten sam średni"
        " kwadrat, więc y.sum(), y.mean() ani y.pow(2).mean() z niego, ani jego odległość od"
        " jednej stałej wartości nie mogą się zmienić. Porównaj wyjście z prawdziwymi celami"
        " (F.mse_loss(y, target), F.cross_entropy(y, labels))."
    ),
    "graph.health.vanishing_margin_met": (
        "Wszystkie wagi dostają gradient równy dokładnie zeru, więc nic nie uczy się z tej"
        " partii: każda wartość, która trafia do {op} (po ostatniej warstwie modelu), jest"
        " ujemna, a tam {op} jest płaska, więc oddaje dokładnie zero. W stracie zawiasowej (relu(1 - y * out)) znaczy"
        " to, że każdy margines jest już spełniony: ta partia nie ma już czego uczyć, a warstwy"
        " są w porządku."
    ),
    "graph.health.vanishing_all_zero_loss": (
        "Wszystkie wagi dostają gradient równy dokładnie zeru, więc nic nie uczy się z tej"
        " partii: strata ({op}) oddaje wyjściu modelu dokładnie zero, bo nic w tej partii nie"
        " może jej obniżyć (wszystkie etykiety pominięte, wszystkie marginesy już spełnione,"
        " dokładne dopasowanie)."
    ),
    "graph.health.exploding_values": (
        "Wartości rosną około {times} razy na warstwę w {layers} kolejnych warstwach: RMS"
        " {first:.2g} na wyjściu {from_module}, {last:.2g} na wyjściu {to_module}. Wagi są za"
        " duże na tę głębokość (takie są od inicjalizacji albo urosły przez za duży współczynnik"
        " uczenia), bo każda warstwa mnoży rozmiar tego, co czyta. Zostaw domyślną"
        " inicjalizację PyTorcha albo użyj nn.init.kaiming_normal_ przed ReLU (std = sqrt(2 /"
        " fan_in)) i mniejszego współczynnika uczenia; do tego czasu strata i kroki uczenia są"
        " ogromne."
    ),
    "graph.health.vanishing_values_grad": (
        "Wartości maleją około {times} razy na warstwę w {layers} kolejnych warstwach:"
        " RMS {first:.2g} na wyjściu {from_module}, {last:.2g} na wyjściu {to_module}. Wagi są"
        " za małe na tę głębokość, bo każda warstwa mnoży rozmiar tego, co czyta, a gradient"
        " wagi to jej wejście razy gradient za nią, więc wagi tych warstw dostają prawie zerowy"
        " gradient (RMS od {low:.1e} do {high:.1e}) i prawie się nie uczą. {remedy}"
    ),
    # lustrzane odbicie exploding_values; _grad z RMS gradientu wag
    "graph.health.vanishing_values": (
        "Wartości maleją około {times} razy na warstwę w {layers} kolejnych warstwach:"
        " RMS {first:.2g} na wyjściu {from_module}, {last:.2g} na wyjściu {to_module}. Wagi są"
        " za małe na tę głębokość, bo każda warstwa mnoży rozmiar tego, co czyta, a gradient"
        " wagi to jej wejście razy gradient za nią, więc te warstwy prawie się nie uczą. {remedy}"
    ),
    "graph.health.values_remedy.small": (
        "Zostaw domyślną inicjalizację PyTorcha albo użyj nn.init.kaiming_normal_ przed ReLU"
        " (std = sqrt(2 / fan_in))."
    ),
    "graph.health.values_remedy.default": (
        "Te wagi mają domyślną inicjalizację PyTorcha (std = 1 / sqrt(3 * fan_in)), więc jej"
        " zostawienie nie pomoże: zainicjuj je przez nn.init.kaiming_normal_ (std = sqrt(2 /"
        " fan_in)) albo dodaj BatchNorm lub LayerNorm po każdej warstwie."
    ),
    "graph.health.values_remedy.larger": (
        "Te wagi są już na starcie większe niż przy domyślnej inicjalizacji PyTorcha: dodaj"
        " BatchNorm albo LayerNorm po każdej warstwie, żeby wartości nie traciły rozmiaru."
    ),
    "graph.health.vanishing_zero_output": (
        "Wszystkie wagi dostają gradient równy dokładnie zeru, więc nic nie uczy się z tej"
        " partii: to, co dociera do {op}, jest wszędzie dokładnie zerem, a {op} jest tam płaskie,"
        " więc oddaje dokładnie zero (y ** 2 przy y = 0: strata jest już w swoim minimum)."
        " Ostatnia warstwa z wagami zainicjowanymi zerami daje same zera; strata, która ma"
        " tam nachylenie (entropia krzyżowa, MSE względem prawdziwych celów), rusza trening."
        " Same warstwy są w porządku."
    ),
    "graph.health.vanishing_one_class": (
        "Wszystkie wagi dostają gradient równy dokładnie zeru, więc nic nie uczy się z tej"
        " partii: strata ({op}) oddaje dokładnie zero wyjściu modelu, które ma jedną jednostkę."
        " Entropia krzyżowa dla jednej klasy zawsze wynosi 0: daj modelowi 2 wyjścia dla"
        " CrossEntropyLoss albo użyj BCEWithLogitsLoss z jednym wyjściem."
    ),
    "graph.health.vanishing_zero_input": (
        "Wagi {where_module} dostają gradient równy dokładnie zeru, choć gradient jego biasu"
        " nie jest zerowy: wszystko, co wchodzi do tej warstwy, jest zerem dla całej partii"
        " (milczące jednostki ReLU przed nią, wejście z samych zer), więc jej wagi niczego się"
        " nie uczą z tej partii."
    ),
    "graph.health.exploding": (
        "Gradient eksploduje: w drodze wstecz rośnie około {per_layer:.1f} razy na warstwę (nie"
        " licząc tego, co zmieniają same różne szerokości warstw), więc wagi {first} dostają"
        " gradient około {times} razy większy (RMS) niż wagi {last}. {effect}. Zacznij od"
        " mniejszych wag (domyślna inicjalizacja PyTorcha albo nn.init.kaiming_normal_ przed"
        " ReLU), zmniejsz współczynnik uczenia albo przytnij gradienty"
        " (torch.nn.utils.clip_grad_norm_)."
    ),
    "graph.health.remedy.recurrent_rnn": (
        "Droga wstecz prowadzi przez {through}: zwykła sieć RNN w każdym kroku czasowym"
        " przepuszcza gradient przez swoje wagi i funkcję aktywacji, więc gradient maleje"
        " wzdłuż sekwencji, a ReLU, kaiming_normal_ ani BatchNorm tego nie naprawią. Użyj"
        " zamiast niej nn.LSTM albo nn.GRU (ich bramki niosą gradient przez znacznie więcej"
        " kroków), ucz z torch.optim.Adam (skaluje krok każdej wagi do jej własnego"
        " gradientu, więc nawet mały gradient ją przesuwa) albo ucz na krótszych sekwencjach"
        " (obcięta propagacja wsteczna w czasie)."
    ),
    "graph.health.remedy.recurrent": (
        "Droga wstecz prowadzi przez {through}: warstwa rekurencyjna w każdym kroku czasowym"
        " przepuszcza gradient przez swoje bramki, więc gradient maleje wzdłuż sekwencji, a"
        " ReLU, kaiming_normal_ ani BatchNorm tego nie naprawią. Ucz z torch.optim.Adam"
        " (skaluje krok każdej wagi do jej własnego gradientu, więc nawet mały gradient ją"
        " przesuwa), ucz na krótszych sekwencjach (obcięta propagacja wsteczna w czasie: co"
        " kilkadziesiąt kroków odłączaj stan ukryty przez .detach()) albo napisz własną"
        " komórkę z LayerNorm w środku."
    ),
    "graph.health.through_recurrent_many": "warstwy rekurencyjne {names}",
    "graph.health.through_recurrent_one": "warstwę rekurencyjną {names}",
    "graph.health.remedy.layers_exploding": (
        "Zacznij od mniejszych wag (domyślna inicjalizacja PyTorcha albo nn.init.kaiming_normal_"
        " przed ReLU), zmniejsz współczynnik uczenia albo przytnij gradienty"
        " (torch.nn.utils.clip_grad_norm_)."
    ),
    "graph.health.remedy.layers_vanishing": (
        "Użyj aktywacji z rodziny ReLU z nn.init.kaiming_normal_, dodaj BatchNorm albo"
        " LayerNorm lub połączenia rezydualne; sigmoid/tanh w warstwach ukrytych zmniejsza"
        " gradient w każdej warstwie."
    ),
    "graph.health.remedy.layers_vanishing_had": (
        "Model ma już zwykłe rozwiązania (aktywacje z rodziny ReLU, wagi w skali, jaką daje"
        " nn.init.kaiming_normal_, normalizację, połączenia rezydualne): kroki w opisie tego"
        " problemu, po jednym na warstwę, pokazują, gdzie gradient spada najbardziej."
    ),
    "graph.health.remedy.fixes_saturating": (
        "{fixes}; sigmoid/tanh w warstwach ukrytych zmniejsza gradient w każdej warstwie."
    ),
    "graph.health.remedy.fixes": "{fixes}.",
    "graph.health.remedy.either": "{first} lub {last}",
    "graph.health.remedy.fix.residual": "dodaj połączenia rezydualne",
    "graph.health.remedy.fix.batch_norm": "dodaj BatchNorm",
    "graph.health.remedy.fix.norm": "dodaj BatchNorm albo LayerNorm",
    "graph.health.remedy.fix.kaiming": "zainicjuj wagi funkcją nn.init.kaiming_normal_",
    # rozwiązania, których modelowi brakuje, w {fixes} kluczy remedy.fixes*, łączone remedy.either
    "graph.health.remedy.fix.relu": "użyj aktywacji z rodziny ReLU z nn.init.kaiming_normal_",
    "graph.health.exploding_overall": (
        "Gradient eksploduje: w drodze wstecz wagi {first} dostają gradient około {times} razy"
        " większy (RMS) niż wagi {last}. {effect}. {remedy}"
    ),
    # vanishing / exploding tylko między dwiema warstwami albo przez warstwę rekurencyjną: bez
    # liczby „na warstwę”; {remedy} to jeden z kluczy graph.health.remedy.layers_* / recurrent*
    "graph.health.vanishing_overall": (
        "Gradient zanika: w drodze wstecz wagi {first} dostają gradient około {times} razy"
        " mniejszy (RMS) niż wagi {last}. {effect}. {remedy}"
    ),
    "graph.health.input_scale_pixels": (
        " (wartości 0-255 wyglądają na surowe piksele: podziel je przez 255)"
    ),
    "graph.health.input_scale": (
        "To, co wchodzi do {where_module}, jest dalekie od standaryzacji (średnia {mean:.4g};"
        " odchylenie {std:.4g}): gradient wagi to jej wejście razy gradient za nią, więc ta"
        " warstwa dostaje ogromne gradienty i robi ogromne, niestabilne kroki. Standaryzuj"
        " wejścia: (x - średnia) / odchylenie dla każdej cechy, liczone na zbiorze"
        " treningowym{pixels}."
    ),
    "graph.health.input_scale_frozen": (
        "To, co wchodzi do {where_module}, jest dalekie od standaryzacji (średnia {mean:.4g};"
        " odchylenie {std:.4g}). Ta warstwa jest zamrożona (requires_grad=False), więc nie robi"
        " kroków, ale przekazuje tak duże wartości dalej, do {to_module}, pierwszej warstwy,"
        " która się uczy: gradient wagi to jej wejście razy gradient za nią, więc to ta warstwa"
        " dostaje ogromne gradienty i robi ogromne, niestabilne kroki. Standaryzuj wejścia:"
        " (x - średnia) / odchylenie dla każdej cechy, liczone na zbiorze treningowym{pixels}."
    ),
    "graph.health.input_scale_frozen_alone": (
        "To, co wchodzi do {where_module}, jest dalekie od standaryzacji (średnia {mean:.4g};"
        " odchylenie {std:.4g}). Ta warstwa jest zamrożona (requires_grad=False), więc nie robi"
        " kroków, a żadna warstwa, która się uczy, nie czyta tak dużych wartości; ale zamrożone"
        " wagi najczęściej wyuczono na wejściach standaryzowanych (model wstępnie wytrenowany),"
        " a na tych liczą coś innego. Standaryzuj wejścia tak, jak były standaryzowane, gdy"
        " te wagi się uczyły{pixels}."
    ),
    "graph.health.input_scale_small_gradient": (
        "To, co wchodzi do {where_module}, jest dalekie od standaryzacji (średnia {mean:.4g};"
        " odchylenie {std:.4g}): gradient wagi to jej wejście razy gradient za nią, więc tak"
        " duże wejścia dają tej warstwie gradient około {times} razy większy niż wejścia"
        " standaryzowane. Tutaj jest on jeszcze mały (RMS {rms:.1e}; mniejszy niż w większości"
        " innych warstw) tylko dlatego, że do tej warstwy dociera mało gradientu, i rośnie"
        " razem z gradientem za nią. Standaryzuj wejścia: (x - średnia) / odchylenie dla"
        " każdej cechy, liczone na zbiorze treningowym{pixels}."
    ),
    "graph.health.target_scale": (
        "Strata porównuje wyjście z {target}, który jest daleki od standaryzacji (średnia"
        " {mean:.4g}; odchylenie {std:.4g}): strata i gradient, który oddaje, rosną razem z nim,"
        " więc warstwy dostają ogromne gradienty (RMS do {largest:.1e}) i jeden krok uczenia"
        " może je mocno rozregulować. Przeskaluj cel: standaryzuj go ((y - średnia) /"
        " odchylenie, liczone na zbiorze treningowym) albo podziel go przez okrągłą liczbę (ceny"
        " / 1e5), a przewidywania przeskaluj z powrotem tak samo."
    ),
    "graph.health.target_with.named": "celem {name}",
    "graph.health.target_with.shaped": "celem o kształcie {shape}",
    "graph.health.exploding_huge": (
        "Wagi {where_module} dostają ogromny gradient (RMS {rms:.1e}), więc jeden krok uczenia"
        " może mocno rozregulować tę warstwę. Zacznij od mniejszych wag, zmniejsz współczynnik"
        " uczenia albo przytnij gradienty (torch.nn.utils.clip_grad_norm_)."
    ),
    "graph.health.vanishing_steps": (
        "Gradient zanika w czasie: te same wagi ({name}{in_module}) działają w {steps} krokach"
        " z rzędu, a w drodze wstecz gradient maleje około {per_step:.3g} razy na krok, więc"
        " pierwszy krok dostaje gradient około {times} razy mniejszy niż ostatni: pierwsze kroki"
        " (początek sekwencji) prawie nie wpływają na uczenie. {remedy}"
    ),
    "graph.health.exploding_steps": (
        "Gradient eksploduje w czasie: te same wagi ({name}{in_module}) działają w {steps}"
        " krokach z rzędu, a w drodze wstecz gradient rośnie około {per_step:.3g} razy na krok,"
        " więc pierwszy krok dostaje gradient około {times} razy większy niż ostatni: jeden krok"
        " uczenia może wyrzucić te wagi daleko. {remedy}"
    ),
    "graph.health.vanishing_repeats": (
        "Gradient zanika w powtórzeniach: te same wagi ({name}{in_module}) działają {steps} razy"
        " z rzędu, a w drodze wstecz gradient maleje około {per_step:.3g} razy na użycie, więc"
        " pierwsze użycie dostaje gradient około {times} razy mniejszy niż ostatnie: to, co"
        " liczą pierwsze użycia, prawie nie wpływa na uczenie. {remedy}"
    ),
    "graph.health.vanishing_steps_zero": (
        "Gradient zanika w czasie: te same wagi ({name}{in_module}) działają w {steps} krokach"
        " z rzędu, a w drodze wstecz gradient maleje około {per_step:.3g} razy na krok, więc"
        " krok {first} dostaje gradient około {times} razy mniejszy niż ostatni, a {zero_part}"
        " ({zero_why}): początek sekwencji nie wpływa na uczenie. {remedy}"
    ),
    "graph.health.vanishing_steps_zero_only": (
        "Gradient zanika w czasie: te same wagi ({name}{in_module}) działają w {steps} krokach"
        " z rzędu, a w drodze wstecz {zero_part} ({zero_why}): początek sekwencji nie wpływa"
        " na uczenie. {remedy}"
    ),
    "graph.health.vanishing_repeats_zero": (
        "Gradient zanika w powtórzeniach: te same wagi ({name}{in_module}) działają {steps} razy"
        " z rzędu, a w drodze wstecz gradient maleje około {per_step:.3g} razy na użycie, więc"
        " użycie {first} dostaje gradient około {times} razy mniejszy niż ostatnie, a"
        " {zero_part} ({zero_why}): to, co liczą pierwsze użycia, nie wpływa na uczenie."
        " {remedy}"
    ),
    "graph.health.vanishing_repeats_zero_only": (
        "Gradient zanika w powtórzeniach: te same wagi ({name}{in_module}) działają {steps} razy"
        " z rzędu, a w drodze wstecz {zero_part} ({zero_why}): to, co liczą pierwsze użycia,"
        " nie wpływa na uczenie. {remedy}"
    ),
    "graph.health.zero_steps.one": "pierwszy krok nie dostaje żadnego gradientu",
    "graph.health.zero_steps.few": "pierwsze {n} kroki nie dostają żadnego gradientu",
    "graph.health.zero_steps.many": "pierwszych {n} kroków nie dostaje żadnego gradientu",
    "graph.health.zero_uses.one": "pierwsze użycie nie dostaje żadnego gradientu",
    "graph.health.zero_uses.few": "pierwsze {n} użycia nie dostają żadnego gradientu",
    "graph.health.zero_uses.many": "pierwszych {n} użyć nie dostaje żadnego gradientu",
    "graph.health.zero_why.underflow": (
        "staje się za mały dla typu {dtype} i zaokrągla się do dokładnie 0"
    ),
    "graph.health.zero_why.exact": "jest równy dokładnie 0",
    "graph.health.exploding_repeats": (
        "Gradient eksploduje w powtórzeniach: te same wagi ({name}{in_module}) działają {steps}"
        " razy z rzędu, a w drodze wstecz gradient rośnie około {per_step:.3g} razy na użycie,"
        " więc pierwsze użycie dostaje gradient około {times} razy większy niż ostatnie: jeden"
        " krok uczenia może wyrzucić te wagi daleko. {remedy}"
    ),
    "graph.health.remedy.repeats": (
        "Warstwa stosowana raz po raz za każdym razem mnoży gradient przez swoje nachylenie:"
        " dodaj połączenie rezydualne (h = h + f(h)) lub normalizację albo stosuj ją rzadziej."
    ),
    "graph.health.remedy.repeats_exploding": (
        "Warstwa stosowana raz po raz za każdym razem mnoży gradient przez swoje nachylenie:"
        " zacznij od mniejszych wag (domyślna inicjalizacja PyTorcha), dodaj normalizację,"
        " stosuj ją rzadziej albo przytnij gradienty (torch.nn.utils.clip_grad_norm_)."
    ),
    "graph.health.steps_in": ", w {where}",
    "graph.health.remedy.steps_rnn": (
        "Użyj nn.LSTM albo nn.GRU, zacznij od ortogonalnych wag rekurencyjnych"
        " (nn.init.orthogonal_) albo ucz na krótszych sekwencjach."
    ),
    "graph.health.remedy.steps_lstm": (
        "Bramka zapominania LSTM startuje w połowie otwarta (bias bliski 0) i w każdym kroku"
        " przepuszcza około połowy gradientu: otwórz ją na starcie biasem 1–2"
        " ({gate}.fill_(2.0) pod torch.no_grad()) albo ucz na krótszych sekwencjach."
    ),
    "graph.health.remedy.steps_gru": (
        "Bramka aktualizacji GRU startuje w połowie otwarta (bias bliski 0), więc każdy krok"
        " zachowuje tylko około połowy poprzedniego stanu: przesuń ją na starcie ku zachowaniu"
        " stanu biasem 1–2 ({gate}.fill_(2.0) pod torch.no_grad()) albo ucz na krótszych"
        " sekwencjach."
    ),
    # bramka już na starcie jest otwarta: {bias} to jej bias (bias_ih + bias_hh), 1 lub więcej
    "graph.health.remedy.steps_lstm_open": (
        "Bramka zapominania LSTM już na starcie jest otwarta (jej bias wynosi około {bias:.1f}),"
        " a mimo to przy tak długiej sekwencji gradient wciąż zanika: ucz na krótszych"
        " sekwencjach (obcięta propagacja wsteczna w czasie: co kilkadziesiąt kroków odłączaj"
        " stan ukryty przez .detach()) albo ucz z torch.optim.Adam (skaluje krok każdej wagi do"
        " jej własnego gradientu, więc nawet mały gradient ją przesuwa)."
    ),
    "graph.health.remedy.steps_gru_open": (
        "Bramka aktualizacji GRU już na starcie jest przesunięta ku zachowaniu stanu (jej bias"
        " wynosi około {bias:.1f}), a mimo to przy tak długiej sekwencji gradient wciąż zanika:"
        " ucz na krótszych sekwencjach (obcięta propagacja wsteczna w czasie: co kilkadziesiąt"
        " kroków odłączaj stan ukryty przez .detach()) albo ucz z torch.optim.Adam (skaluje"
        " krok każdej wagi do jej własnego gradientu, więc nawet mały gradient ją przesuwa)."
    ),
    # nn.LSTM / nn.GRU utworzona z bias=False: {gate} to wycinek, który miałby jej bias
    "graph.health.remedy.steps_lstm_no_bias": (
        "Bramka zapominania LSTM startuje w połowie otwarta i w każdym kroku przepuszcza około"
        " połowy gradientu, a bez biasu (bias=False) nie da się jej otworzyć na starcie: utwórz"
        " warstwę z bias=True i otwórz bramkę biasem 1–2 ({gate}.fill_(2.0) pod"
        " torch.no_grad()), zacznij od ortogonalnych wag rekurencyjnych (nn.init.orthogonal_)"
        " albo ucz na krótszych sekwencjach (obcięta propagacja wsteczna w czasie: co"
        " kilkadziesiąt kroków odłączaj stan ukryty przez .detach())."
    ),
    "graph.health.remedy.steps_gru_no_bias": (
        "Bramka aktualizacji GRU startuje w połowie otwarta, więc każdy krok zachowuje tylko"
        " około połowy poprzedniego stanu, a bez biasu (bias=False) nie da się jej na starcie"
        " przesunąć ku zachowaniu stanu: utwórz warstwę z bias=True i nadaj bramce bias 1–2"
        " ({gate}.fill_(2.0) pod torch.no_grad()), zacznij od ortogonalnych wag rekurencyjnych"
        " (nn.init.orthogonal_) albo ucz na krótszych sekwencjach (obcięta propagacja wsteczna"
        " w czasie: co kilkadziesiąt kroków odłączaj stan ukryty przez .detach())."
    ),
    # komórka napisana ręcznie, której stan przechodzi przez bramkę (sigmoid razy wartość)
    "graph.health.remedy.steps_gated": (
        "Bramki komórki (sigmoid razy stan) startują w połowie otwarte i w każdym kroku"
        " przepuszczają około połowy gradientu: otwórz na starcie biasem 1–2 bramkę, która"
        " zachowuje stan (bramkę zapominania LSTM, bramkę aktualizacji GRU), zacznij od"
        " ortogonalnych wag rekurencyjnych (nn.init.orthogonal_) albo ucz na krótszych"
        " sekwencjach (obcięta propagacja wsteczna w czasie: co kilkadziesiąt kroków odłączaj"
        " stan ukryty przez .detach())."
    ),
    "graph.health.remedy.steps_exploding": (
        "Przytnij gradienty (torch.nn.utils.clip_grad_norm_), zacznij od mniejszych wag"
        " rekurencyjnych (domyślna inicjalizacja PyTorcha albo nn.init.orthogonal_) albo zmniejsz"
        " współczynnik uczenia."
    ),
    "graph.health.dead": (
        "Martwe jednostki ReLU w {where_module}: {dead} z {units}. Dla każdego przykładu w"
        " partii dają zero, więc nie płynie przez nie żaden gradient. Zwykłe przyczyny: za duży"
        " współczynnik uczenia, duży ujemny bias, inicjalizacja, która tak zmniejsza wartości,"
        " że decydują biasy (w głębokiej sieci z ReLU robi tak domyślna inicjalizacja PyTorcha),"
        " albo tak duże wagi, że wszystkie przykłady trafiają po tej samej stronie zera."
        " Spróbuj mniejszego współczynnika uczenia, LeakyReLU albo nn.init.kaiming_normal_."
    ),
    "graph.health.nan_forward": (
        "Pierwsza wartość NaN (nie-liczba) w przejściu w przód pojawia się w {what}; wartości "
        "obliczone z niej też mogą być NaN. {hint}"
    ),
    "graph.health.nan_forward_masked_row": (
        "Pierwsza wartość NaN (nie-liczba) w przejściu w przód pojawia się w {what}; ta operacja"
        " dostaje na wejściu -inf z maski. Samo -inf nie szkodzi, ale wiersz, w którym wszystkie"
        " wartości to -inf (sekwencja złożona wyłącznie z dopełnienia, czyli paddingu, albo w pełni"
        " zamaskowany wiersz), daje NaN, a wartości z niego obliczone też są NaN. Zostaw w każdym"
        " wierszu co najmniej jedną niezamaskowaną pozycję albo maskuj dużą liczbą ujemną"
        " (torch.finfo(scores.dtype).min) zamiast -inf."
    ),
    "graph.health.inf_forward": (
        "Pierwsza nieskończona wartość w przejściu w przód, której nic dalej nie maskuje, "
        "pojawia się w {what}: wynikające z niej wartości nieskończone albo NaN docierają aż do "
        "końca przejścia w przód. {hint}"
    ),
    "graph.health.inf_forward_grad": (
        "Pierwsza nieskończona wartość w przejściu w przód, przy której gradient jest "
        "nieskończony albo NaN, pojawia się w {what}: wartości z niej obliczone mogą znów być "
        "skończone, ale gradienty w tym miejscu nie są. {hint}"
    ),
    "graph.health.nan_forward_grad": (
        "Pierwsza wartość NaN (nie-liczba) w przejściu w przód pojawia się w {what}, ale nie"
        " dociera do funkcji straty: po drodze zostaje pominięta (torch.where, masked_fill,"
        " nan_to_num), więc wartości z niej obliczone są skończone i przejście w przód jest w"
        " porządku. Gradient już nie: tak pominięta wartość NaN i tak daje w tym miejscu"
        " gradient NaN (niżej). {hint}"
    ),
    # {hint} w nan_forward / inf_forward: co zrobić, według operacji, która je dała
    "graph.health.hint.log": (
        "Logarytm z 0 to -inf, a z liczby ujemnej NaN: pisz log(x + eps) z małym eps (1e-8)"
        " albo użyj log_softmax zamiast log(softmax(...))."
    ),
    "graph.health.hint.sqrt": (
        "Pierwiastek (sqrt) z liczby ujemnej to NaN, a jego gradient w 0 jest nieskończony:"
        " pisz sqrt(x + eps) z małym eps (1e-8) albo najpierw przytnij x (x.clamp(min=1e-8))."
    ),
    "graph.health.hint.exp": (
        "Funkcja exp z liczby większej niż około 88 daje w float32 inf: użyj torch.logsumexp"
        " albo log_softmax zamiast ręcznego exp i log albo trzymaj wartości mniejsze."
    ),
    "graph.health.hint.div": (
        "Dzielenie przez zero daje inf, a 0 / 0 daje NaN: sprawdź mianownik albo dodaj do"
        " niego małe eps."
    ),
    "graph.health.hint.op": (
        "Sprawdź, co do niej wchodzi: wartość spoza dziedziny operacji albo wartości tak"
        " duże, że wychodzą poza zakres liczb (za duże wagi albo współczynnik uczenia)."
    ),
    "graph.health.hint.mask": (
        "To -inf z maski, które operacja taka jak softmax czy logsumexp pomija; ale tam, gdzie"
        " każda wartość, po której taka operacja redukuje, jest -inf (wiersz albo kolumna, które"
        " maska wyklucza w całości, jak znacznik, którego nie może poprzedzać żaden inny), jej"
        " gradient jest NaN. Zostaw w każdym co najmniej jedną niezamaskowaną pozycję albo"
        " maskuj dużą liczbą ujemną (torch.finfo(x.dtype).min) zamiast -inf."
    ),
    "graph.health.hint.data": (
        "Ta wartość jest już w samych danych: sprawdzisz to przez torch.isfinite(x).all(), a"
        " przykłady z takimi wartościami znajdziesz przez (~torch.isfinite(x)).reshape(len(x),"
        " -1).any(1).nonzero(). Popraw albo usuń te przykłady przed treningiem."
    ),
    "graph.health.hint.param": (
        "Ta wartość jest już w samych wagach: zepsuł je wcześniejszy krok uczenia (często przez"
        " za duży współczynnik uczenia). Zainicjuj je od nowa albo wczytaj ponownie, potem"
        " zmniejsz współczynnik uczenia albo przytnij gradienty."
    ),
    "graph.health.nan_backward": (
        "W drodze wstecz od straty pierwszy gradient zawierający NaN (nie-liczbę) pojawia się"
        " przy {what}; gradienty obliczane od tego miejsca dalej mogą być przez to błędne."
    ),
    "graph.health.inf_backward": (
        "W drodze wstecz od straty pierwszy gradient zawierający wartość nieskończoną pojawia"
        " się przy {what}; gradienty obliczane od tego miejsca dalej mogą być przez to"
        " błędne."
    ),
    "graph.health.nan_backward_follows": (
        "W drodze wstecz od straty pierwszy gradient zawierający NaN (nie-liczbę) pojawia się"
        " przy {what}: wynika z {cause} w przejściu w przód, opisanej wyżej."
    ),
    "graph.health.inf_backward_follows": (
        "W drodze wstecz od straty pierwszy gradient zawierający wartość nieskończoną pojawia"
        " się przy {what}: wynika z {cause} w przejściu w przód, opisanej wyżej."
    ),
    # {cause} w *_backward_follows: rodzaj znaleziska z przejścia w przód (dopełniacz)
    "graph.health.cause.nan": "wartości NaN",
    "graph.health.cause.inf": "nieskończonej wartości",
    "graph.health.nan_backward_made": (
        "W drodze wstecz od straty pierwszy gradient zawierający NaN (nie-liczbę) powstaje w"
        " przejściu wstecz {what}: gradient, który ta operacja dostała, był skończony, a ten,"
        " który oddała dalej, już nie jest. Gradienty obliczane od tego miejsca dalej mogą być"
        " przez to błędne. {hint}"
    ),
    "graph.health.inf_backward_made": (
        "W drodze wstecz od straty pierwszy gradient zawierający wartość nieskończoną powstaje"
        " w przejściu wstecz {what}: gradient, który ta operacja dostała, był skończony, a ten,"
        " który oddała dalej, już nie jest. Gradienty obliczane od tego miejsca dalej mogą być"
        " przez to błędne. {hint}"
    ),
    "graph.health.nan_backward_params_only": (
        "Przy {what} gradient zawiera wartości NaN (nie-liczby). Ten graf nie ma gradientów "
        "operacji (ng.graph_of zapisuje tylko gradienty parametrów), więc nie wiadomo z niego, "
        "gdzie pojawia się pierwszy gradient z NaN: pokaże to ng.trace albo ng.record."
    ),
    "graph.health.inf_backward_params_only": (
        "Przy {what} gradient zawiera wartości nieskończone. Ten graf nie ma gradientów operacji "
        "(ng.graph_of zapisuje tylko gradienty parametrów), więc nie wiadomo z niego, gdzie "
        "pojawia się pierwszy nieskończony gradient: pokaże to ng.trace albo ng.record."
    ),
    "graph.health.nan_output_only": (
        "Wyjście zawiera wartości NaN (nie-liczby). Ten graf nie ma wartości operacji przed "
        "wyjściem (ng.graph_of ich nie zapisuje), więc nie wiadomo z niego, gdzie pojawia się "
        "pierwsze NaN: pokaże to ng.trace albo ng.record."
    ),
    "graph.health.inf_output_only": (
        "Wyjście zawiera wartości nieskończone. Ten graf nie ma wartości operacji przed "
        "wyjściem (ng.graph_of ich nie zapisuje), więc nie wiadomo z niego, gdzie pojawia się "
        "pierwsza nieskończoność: pokaże to ng.trace albo ng.record."
    ),
    # ... miejsca w tych zdaniach: "_of" w dopełniaczu ("wagi modułu"), "_in" w miejscowniku
    "graph.health.zeros": (
        "Wszystkie wagi {whose} ({numel}) są zerami, a w sąsiedniej warstwie wszystkie wagi "
        "{other} też są sobie równe: jednostki między tymi dwiema warstwami liczą to samo i "
        "dostają ten sam gradient, więc pozostają swoimi kopiami i uczą się jak jedna jednostka. "
        "Zainicjuj wagi losowo (warstwy PyTorcha robią to domyślnie); a może wyzerowano je przez "
        "pomyłkę (w.zero_() zamiast w.grad.zero_())?"
    ),
    "graph.health.zeros_stuck": (
        "Wszystkie wagi {whose} ({numel}) są zerami i ich gradient też jest zerem, więc pozostaną"
        " zerami: każdy przykład dostaje z tej warstwy to samo wyjście, nie wraca do niej żaden"
        " gradient (w zerze ReLU za nią nie przepuszcza go wstecz) i żaden nie przechodzi przez"
        " nią do warstw przed nią. Nie uczy się więc ani ta warstwa, ani warstwy wokół niej. Czy"
        " wyzerowano wagi przez pomyłkę (w.zero_() zamiast w.grad.zero_())? Zainicjuj je losowo"
        " (warstwy PyTorcha robią to domyślnie)."
    ),
    "graph.health.vanishing_zero_layer": (
        "Wagi {where_module} dostają gradient równy dokładnie zeru, bo {zero_weight} ma same zera"
        " i nie dostaje gradientu (zob. [zerowe wagi]), więc ta warstwa też niczego się nie uczy."
    ),
    "graph.health.dead_zero_layer": (
        "Martwe jednostki ReLU w {where_module}: {dead} z {units}. Dla każdego przykładu w partii"
        " dają zero, więc nie płynie przez nie żaden gradient: {zero_weight} ma same zera, więc"
        " każdy przykład dociera do tych jednostek z tą samą wartością."
    ),
    "graph.health.dead_after_zero_layer": (
        "Martwe jednostki ReLU za warstwą {layer}: {dead} z {units}. Dla każdego przykładu w"
        " partii dają zero, więc nie płynie przez nie żaden gradient: {zero_weight} ma same zera,"
        " więc każdy przykład dociera do tych jednostek z tą samą wartością."
    ),
    "graph.health.zeros_accumulated": (
        "Wszystkie wagi {whose} ({numel}) są zerami, a ich gradient został dodany do gradientu"
        " pozostałego po wcześniejszym przejściu wstecz: czy nie wyzerowano przez pomyłkę wag"
        " zamiast ich gradientu (w.zero_() zamiast w.grad.zero_())?"
    ),
    "graph.health.constant": (
        "Wszystkie wagi {whose} ({numel}) mają tę samą wartość ({value:.3g}), a w sąsiedniej "
        "warstwie wszystkie wagi {other} też są sobie równe: jednostki między tymi dwiema "
        "warstwami liczą to samo i dostają ten sam gradient, więc pozostają swoimi kopiami i "
        "uczą się jak jedna jednostka. Zainicjuj wagi losowo (warstwy PyTorcha robią to "
        "domyślnie)."
    ),
    "graph.health.no_gradient": (
        "Wagi {where_module} nie dostają żadnego gradientu, choć brały udział w przejściu w "
        "przód: graf jest przecięty między nimi a funkcją straty (.detach(), .item(), .numpy() "
        "albo torch.no_grad() w forward), więc ta warstwa się nie uczy. Jeśli tak ma być "
        "(zamrożony ekstraktor cech), wywołaj na niej requires_grad_(False)."
    ),
    "graph.health.no_gradient_no_examples": (
        "Wagi {where_module} dostają gradient równy dokładnie zeru, bo ta warstwa nie dostała w "
        "tej partii żadnego przykładu: jej wejście ma kształt [0, ...] (gałąź albo ekspert, do "
        "których ta partia niczego nie kieruje), więc jej wagi niczego się nie uczą z tej partii. "
        "Z gradientem wszystko jest w porządku: warstwa zacznie się uczyć, gdy dotrą do niej "
        "przykłady."
    ),
    "graph.health.no_gradient_unused": (
        "Wagi {where_module} nie dostają żadnego gradientu, choć brały udział w przejściu w "
        "przód: ich wynik trafia tylko do {output}."
    ),
    "graph.health.no_gradient_leaf_unused": (
        "{name} nie dostaje żadnego gradientu, choć brał udział w przejściu w przód: jego wynik "
        "trafia tylko do {output}."
    ),
    "graph.health.no_gradient_unreached": (
        "Żaden gradient z tego grafu nie dociera do wag {what}: graf ich nie używa, więc"
        " przejście wstecz od niego zostawia ich .grad równe None i niczego się z niego nie"
        " uczą. To w porządku, jeśli trenuje je inna funkcja straty (druga głowa) albo nie są"
        " potrzebne; jeśli nie, forward nie wywołuje ich warstwy albo odcina jej wynik"
        " (.detach(), .item(), .numpy() albo torch.no_grad()): ng.trace(model, x, loss=...)"
        " pokaże, która to przyczyna. Jeśli mają pozostać stałe, wywołaj na nich"
        " requires_grad_(False)."
    ),
    "graph.health.no_gradient_unrun": (
        "Wagi {what} nie występują w przejściu w przód zapisanym w tym grafie, więc nie dostają"
        " gradientu i się nie uczą. Najczęściej forward ich nie używa (warstwa zdefiniowana w"
        " __init__, ale pominięta w forward?): użyj ich tam albo usuń je, jeśli nie są"
        " potrzebne. Jeśli forward celowo pomija je przy tym wejściu (ekspert, do którego nie"
        " trafił żaden przykład, głowica pomocnicza używana tylko w treningu) albo używa ich inna"
        " metoda lub inna funkcja straty, wszystko w porządku."
    ),
    "graph.health.modules_of": "modułów {names}",
    "graph.health.params_of": "parametrów {names}",
    "graph.health.no_gradient_leaf_unnamed_unused": (
        "Tensor-liść o kształcie {shape} nie dostaje żadnego gradientu, choć brał udział w "
        "przejściu w przód: jego wynik trafia tylko do {output}."
    ),
    "graph.health.output_returned": (
        "wyjścia o kształcie {output_shape}, które model zwraca, ale którego nie używa funkcja "
        "straty (to w porządku, jeśli tę część sieci trenuje inna funkcja straty, jak przy "
        "drugiej głowie; jeśli nie, użyj tego wyjścia także w funkcji straty)"
    ),
    "graph.health.output_unused": (
        "tensora o kształcie {output_shape}, którego nie używa żadna operacja na tensorach: "
        "został odrzucony, odczytany przez .data (użyj go wprost) albo zamieniony na liczbę "
        "(.item(), .tolist(), .numpy()), co przecina graf"
    ),
    "graph.health.no_gradient_leaf": (
        "{name} nie dostaje żadnego gradientu, choć brał udział w przejściu w przód: graf jest "
        "przecięty między nim a funkcją straty (.detach(), .data, .item(), .numpy() albo "
        "torch.no_grad()), więc się nie uczy."
    ),
    "graph.health.accumulated": (
        "{name}.grad nie zawiera samego gradientu z tego przejścia wstecz, tylko jego sumę z"
        " gradientem pozostałym po wcześniejszym przejściu. Wywołuj optimizer.zero_grad() (albo"
        " p.grad.zero_()) przed każdym backward albo po każdym kroku, jeśli celowo sumujesz"
        " gradienty z kilku partii."
    ),
    "graph.health.accumulated_not_in_optimizer": (
        "{name}.grad nie zawiera samego gradientu z tego przejścia wstecz, tylko jego sumę z"
        " gradientami wcześniejszych przejść, a {name} nie należy do parametrów optymalizatora,"
        " który wykonał krok w tym bloku. Jeśli nie uczy go inny optymalizator, zero_grad() tego"
        " optymalizatora go nie zeruje, a jego step() go nie zmienia: ten parametr się nie"
        " uczy. Zbuduj optymalizator po ostatniej zmianie modelu"
        " (warstwa podmieniona po torch.optim.SGD(model.parameters(), ...) zostaje poza nim)"
        " albo przekaż mu całe model.parameters(); jeśli ma celowo zostać bez zmian, wywołaj na"
        " nim requires_grad_(False)."
    ),
    "graph.health.not_in_optimizer": (
        "{name} nie należy do parametrów optymalizatora, który wykonał krok w tym bloku. Jeśli"
        " nie uczy go inny optymalizator, step() tego optymalizatora go nie zmienia, więc ten"
        " parametr się nie uczy, a jego zero_grad() nie zeruje {name}.grad, do którego każde"
        " kolejne przejście wstecz dodaje gradient. Zbuduj optymalizator po ostatniej zmianie"
        " modelu (warstwa podmieniona po torch.optim.SGD(model.parameters(), ...) zostaje poza"
        " nim; model utworzony od nowa w komórce uruchomionej po komórce optymalizatora to nowy"
        " model, którego optymalizator nie ma) albo przekaż mu całe model.parameters(); jeśli ma"
        " celowo zostać bez zmian, wywołaj na nim requires_grad_(False)."
    ),
    "graph.health.reset_before_step": (
        "step() optymalizatora nie dostał żadnych gradientów: zero_grad() wywołano między"
        " loss.backward() a optimizer.step() i skasowało każdy gradient obliczony w propagacji"
        " wstecznej ({name}.grad i pozostałe były None w chwili kroku), więc krok nie zmienił"
        " żadnej wagi i model się nie uczy. Zeruj gradienty przed propagacją wsteczną:"
        " optimizer.zero_grad(), loss.backward(), optimizer.step()."
    ),
    "graph.health.accumulated_unregistered": (
        "{name}.grad nie zawiera samego gradientu z tego przejścia wstecz, tylko jego sumę z"
        " gradientami wszystkich wcześniejszych przejść. Jego warstwa nie jest zarejestrowana w"
        " modelu. Jeśli optymalizator zbudowano z model.parameters(), optimizer.zero_grad()"
        " nigdy do niej nie sięga, a optymalizator jej nie uczy: zarejestruj tę warstwę"
        " (nn.ModuleList, nn.ModuleDict albo atrybut); w przeciwnym razie wywołuj"
        " optimizer.zero_grad() przed każdym backward."
    ),
    "graph.health.loss_input_module": "Moduł {name}",
    "graph.health.loss_input_code": "Twój kod",
    "graph.health.linear_stack": (
        "Moduły {layers_text} następują po sobie bez funkcji aktywacji między nimi: kilka"
        " warstw liniowych to nadal jedno przekształcenie liniowe (W2 (W1 x + b1) + b2 = W x +"
        " b), więc razem uczą się nie więcej niż jedna warstwa Linear({n_in}, {n_out})"
        " (klasyfikator: tylko proste granice decyzyjne). Wstaw między nie nieliniowość, np."
        " nn.ReLU()."
    ),
    "graph.health.loss_input_softmax": (
        "{layer} nakłada softmax na wyniki, które dostaje cross_entropy, a cross_entropy"
        " (nn.CrossEntropyLoss) sama nakłada log-softmax: prawdopodobieństwa są ściskane dwa"
        " razy, różnice między nimi maleją i model uczy się wolno. Podaj CrossEntropyLoss"
        " surowe wyniki (logity): usuń softmax i używaj go tylko do pokazania"
        " prawdopodobieństw."
    ),
    "graph.health.loss_input_relu": (
        "{layer} nakłada ReLU na wyniki, które dostaje cross_entropy: żaden wynik nie może"
        " spaść poniżej 0, więc model nie może obniżać wyników złych klas, a przykład, którego"
        " wszystkie wyniki zostały obcięte do 0, nie daje gradientu. Podaj CrossEntropyLoss"
        " surowe wyniki (logity): usuń ostatnie ReLU."
    ),
    "graph.health.loss_input_sigmoid_ce": (
        "{layer} nakłada sigmoid na wyniki, które dostaje cross_entropy, a cross_entropy"
        " (nn.CrossEntropyLoss) sama robi prawdopodobieństwa z surowych wyników przez softmax:"
        " wyniki ściśnięte między 0 a 1 dają prawie równe prawdopodobieństwa wszystkich klas,"
        " więc strata zostaje wysoka, a gradienty maleją tam, gdzie sigmoid się spłaszcza."
        " Podaj CrossEntropyLoss surowe wyniki (logity): usuń sigmoid (wyjście z sigmoidem"
        " pasuje do nn.BCELoss, dla celów tak/nie)."
    ),
    "graph.health.loss_input_tanh_ce": (
        "{layer} nakłada tanh na wyniki, które dostaje cross_entropy, a cross_entropy"
        " (nn.CrossEntropyLoss) sama robi prawdopodobieństwa z surowych wyników przez softmax:"
        " wyniki ściśnięte między -1 a 1 trzymają każde prawdopodobieństwo daleko od 0 i 1,"
        " więc strata zostaje wysoka, a gradienty maleją tam, gdzie tanh się spłaszcza."
        " Podaj CrossEntropyLoss surowe wyniki (logity): usuń ostatni tanh."
    ),
    "graph.health.loss_input_relu_bce": (
        "{layer} nakłada ReLU na wyniki, które dostaje binary_cross_entropy_with_logits: żaden"
        " wynik nie może spaść poniżej 0, więc ich sigmoida nigdy nie schodzi poniżej 0,5 i model"
        " nie może przewidzieć klasy negatywnej. Podaj BCEWithLogitsLoss surowe wyniki (logity):"
        " usuń ostatnie ReLU."
    ),
    "graph.health.loss_input_sigmoid": (
        "{layer} nakłada sigmoid na wyniki, które dostaje binary_cross_entropy_with_logits,"
        " a ta strata (nn.BCEWithLogitsLoss) sama nakłada sigmoid: ściskane dwa razy,"
        " gradienty maleją. Usuń sigmoid albo użyj nn.BCELoss na prawdopodobieństwach."
    ),
    "graph.health.loss_input_nll": (
        "{layer} podaje nll_loss (nn.NLLLoss) prawdopodobieństwa z softmax, a ona oczekuje"
        " logarytmów prawdopodobieństw: użyj log_softmax zamiast softmax albo"
        " nn.CrossEntropyLoss na surowych wynikach."
    ),
    # dopisywane do trzech powyższych, gdy cel też jest ściśnięty (nie wiadomo, który tensor
    # jest wejściem): {squash} to sigmoid albo softmax
    "graph.health.loss_input_which": (
        "Cel, który dostaje ta strata, też jest ściśnięty, a z grafu nie wynika, który z nich"
        " to wyniki: zmień tylko {squash} wyników; cel ściśnięty świadomie (miękkie cele"
        " nauczyciela) jest poprawny."
    ),
    "graph.health.loss_input_batch": (
        "{layer} nakłada {op} wzdłuż wymiaru 0 wyników, które dostaje {loss_name} (kształt"
        " {shape}), a wymiar 0 to partia: każda klasa jest normalizowana po {rows} przykładach,"
        " więc prawdopodobieństwa każdego przykładu zależą od pozostałych przykładów w jego"
        " partii i nie sumują się do 1 po jego {classes} klasach. {fix}"
    ),
    "graph.health.loss_input_batch_yours": "twoja funkcja straty",  # {loss_name}: pisana ręcznie
    # {fix} w loss_input_batch; {call}: ta sama operacja po klasach, jako kod
    "graph.health.loss_input_batch_fix": "Normalizuj po klasach: {call} (albo dim=-1).",
    "graph.health.loss_input_batch_fix_nll": (
        "Użyj zamiast tego {call} (albo dim=-1): nll_loss (nn.NLLLoss) oczekuje logarytmów"
        " prawdopodobieństw po klasach, a nie prawdopodobieństw."
    ),
    "graph.health.loss_input_batch_fix_ce": (
        "Podaj CrossEntropyLoss surowe wyniki (logity): usuń {op}, bo cross_entropy sama"
        " nakłada log-softmax po klasach; do pokazania prawdopodobieństw użyj {call}."
    ),
    "graph.health.loss_input_output": "wyjście modelu",  # {what} w loss_input_shapes
    "graph.health.loss_input_tensor": "tensor",
    "graph.health.loss_input_shapes": (
        "{loss} porównuje {what} o kształcie {a} z tensorem o kształcie {b}: rozgłaszanie"
        " (broadcasting) robi z nich tabelę {table} wszystkich par, więc strata nie jest tą"
        " zamierzoną (a model uczy się średniej). Nadaj obu ten sam kształt: {fix}."
    ),
    # {fix} w loss_input_shapes: dodatkowy wymiar 1 ma wyjście, ma go cel, albo nie wiadomo
    "graph.health.loss_input_fix_output": "output.squeeze(1) albo target.view(-1, 1)",
    "graph.health.loss_input_fix_target": "target.squeeze(1) albo output.view(-1, 1)",
    # dodatkowy wymiar 1 gdzie indziej niż na końcu ({dim}: gdzie): [N, 1, H, W] i [N, H, W]
    "graph.health.loss_input_fix_output_at": "output.squeeze({dim}) albo target.unsqueeze({dim})",
    "graph.health.loss_input_fix_target_at": "target.squeeze({dim}) albo output.unsqueeze({dim})",
    "graph.health.loss_input_fix_any": "zmień kształt jednego z nich przez .view(...) albo .squeeze(...)",
    # strata napisana ręcznie, ((out - y) ** 2).mean(): {what}, {fix} jak w loss_input_shapes
    "graph.health.loss_input_difference": (
        "Twoja strata odejmuje od siebie {what} o kształcie {a} i tensor o kształcie {b}:"
        " rozgłaszanie (broadcasting) robi z różnicy tabelę {table} wszystkich par, więc strata"
        " nie jest tą zamierzoną (a model uczy się średniej). Nadaj obu ten sam kształt: {fix}."
    ),
    # nll_loss dostaje surowe wyniki; {why} to loss_input_nll_positive albo loss_input_nll_mean
    "graph.health.loss_input_nll_scores": (
        "{layer} podaje nll_loss (nn.NLLLoss) wartości, które nie są logarytmami"
        " prawdopodobieństw: {why}. NLLLoss oczekuje logarytmów prawdopodobieństw (bierze tylko"
        " wartość właściwej klasy ze zmienionym znakiem): na surowych wynikach trening podbija"
        " ten wynik bez końca, a strata spada poniżej zera bez ograniczenia. Dodaj przed nią"
        " log_softmax (F.log_softmax(scores, dim=1) albo nn.LogSoftmax(dim=1) jako ostatnią"
        " warstwę) albo podaj surowe wyniki nn.CrossEntropyLoss, która sama nakłada log-softmax."
    ),
    "graph.health.loss_input_kl": (
        "{layer} podaje kl_div (nn.KLDivLoss) jako wejście prawdopodobieństwa z softmax, a ona"
        " oczekuje tam logarytmów prawdopodobieństw (tylko cel to prawdopodobieństwa, chyba że"
        " log_target=True): użyj log_softmax zamiast softmax dla wejścia. Na"
        " prawdopodobieństwach strata nie jest dywergencją KL (spada poniżej zera), a jej"
        " gradient nie przybliża do siebie obu rozkładów."
    ),
    "graph.health.loss_input_kl_scores": (
        "{layer} podaje kl_div (nn.KLDivLoss) wejście, które nie jest logarytmami"
        " prawdopodobieństw: {why}. KLDivLoss oczekuje logarytmów prawdopodobieństw jako wejścia"
        " (F.log_softmax(scores / T, dim=1) przy destylacji) i prawdopodobieństw jako celu: na"
        " surowych wynikach strata nie jest dywergencją KL i spada poniżej zera bez ograniczenia."
    ),
    "graph.health.loss_input_nll_positive": (
        "niektóre są dodatnie (nawet {largest:.3g}), a logarytm prawdopodobieństwa nigdy nie"
        " jest większy od 0"
    ),
    "graph.health.loss_input_nll_mean": (
        "przy {classes} klasach logarytmy prawdopodobieństw mają średnią najwyżej {bound:.3g}"
        " (-log {classes}), a te mają średnią {mean:.3g}"
    ),
    "graph.health.untrained_norm": (
        "Moduł {path} ({type}) działa w trybie ewaluacji ze statystykami, od których zaczyna "
        "(średnia 0, wariancja 1): nie widział jeszcze danych treningowych, więc nie "
        "normalizuje, a wartości i gradienty za nim nie są takie jak w treningu. Najpierw "
        "wytrenuj model na kilku partiach albo śledź go w trybie treningu (model.train())."
    ),
    "graph.health.untrained_norms": (
        "Warstwy normalizujące ({count}), pierwsza z nich to moduł {path} ({type}), działają w "
        "trybie ewaluacji ze statystykami, od których zaczynają (średnia 0, wariancja 1): nie "
        "widziały jeszcze danych treningowych, więc nie normalizują, a wartości i gradienty za "
        "nimi nie są takie jak w treningu. Najpierw wytrenuj model na kilku partiach albo "
        "śledź go w trybie treningu (model.train())."
    ),
    "graph.health.unregistered": (
        "{path} ({type}) działa, ale nie jest zarejestrowany w modelu: jest trzymany w zwykłej "
        "liście, słowniku lub zmiennej Pythona. model.parameters() pomija jego parametry "
        "({params}), więc optymalizator zbudowany z model.parameters() nigdy ich nie trenuje, a state_dict(), "
        ".to() i .eval() też go pomijają. Trzymaj go w nn.ModuleList lub nn.ModuleDict albo "
        "przypisz jako atrybut (self.layer = ...)."
    ),
    "graph.health.unregistered_params": (
        "{path} to zwykła lista, krotka lub słownik Pythona, więc parametry w {path} ({names}) "
        "nie są zarejestrowane w modelu, choć biorą udział w przejściu w przód: "
        "model.parameters() pomija ich wartości ({params}), więc optymalizator zbudowany z "
        "model.parameters() nigdy ich nie trenuje, a state_dict() i .to() też je pomijają. "
        "Trzymaj je w nn.ParameterList (zamiast listy lub krotki) lub nn.ParameterDict (zamiast "
        "słownika) albo przypisz każdy jako atrybut (self.w = nn.Parameter(...))."
    ),
    "graph.health.model_of": "modelu ({type})",
    "graph.health.module_of": "modułu {path} ({type})",
    "graph.health.module_of_untyped": "modułu {path}",
    "graph.health.top_level_of": "samego modelu (poza podmodułami)",
    "graph.health.module_in": "module {path} ({type})",
    "graph.health.module_in_untyped": "module {path}",
    "graph.health.and": "{first} i {last}",
    "graph.health.names_cut": "{first}, …, {last} (łącznie {count})",
    "graph.health.names_cut_note": "{first}, …, {last} ({note}; łącznie {count})",
    "graph.health.top_level_in": "samym modelu (poza podmodułami)",
    "graph.health.what.input": "wejściu {name}",
    "graph.health.what.param": "parametrze {name}",
    "graph.health.what.buffer": "buforze {name}",
    "graph.health.what.constant": "stałej {name}",
    "graph.health.what.input_unnamed": "wejściu modelu",
    "graph.health.what.param_unnamed": "parametrze",
    "graph.health.what.buffer_unnamed": "buforze",
    "graph.health.what.constant_unnamed": "stałej",
    "graph.health.what.output": "wyjściu modelu",
    "graph.health.what.op": "operacji {op}",
    "graph.health.what.op_in": "operacji {op} w {module}",
    "graph.health.what.op_after": "operacji {op} za warstwą {layer}",
    "graph.health.what.output_of": "wyniku {what}",
    "graph.health.what.input_named_outside": (
        "wejściu {name}, używanym poza modelem (może to wartości docelowe funkcji straty?)"
    ),
    "graph.health.what.input_outside": (
        "tensorze o kształcie {shape} używanym poza modelem (może w wartościach docelowych "
        "funkcji straty?)"
    ),
    "graph.health.what.input_shaped": "tensorze wejściowym o kształcie {shape}",
    "graph.health.what.leaf_unnamed": "tensorze-liściu o kształcie {shape}",
    "graph.health.param_of": "parametru {name}",
    "graph.health.leaf_of": "tensora {name}",
    "graph.health.param_of_unnamed": "parametru bez nazwy o kształcie {shape}",
    "graph.health.leaf_of_unnamed": "tensora-liścia bez nazwy o kształcie {shape}",
    "graph.health.leaf_unnamed": "tensor-liść bez nazwy o kształcie {shape}",
    "graph.health.no_gradient_leaf_unnamed": (
        "Tensor-liść o kształcie {shape} nie dostaje żadnego gradientu, choć brał udział w "
        "przejściu w przód: graf jest przecięty między nim a funkcją straty (.detach(), "
        ".item(), .numpy() albo torch.no_grad()), więc się nie uczy."
    ),
    "graph.health.dead_after": (
        "Martwe jednostki ReLU za warstwą {layer}: {dead} z {units}. Dla każdego przykładu w"
        " partii dają zero, więc nie płynie przez nie żaden gradient. Zwykłe przyczyny: za duży"
        " współczynnik uczenia, duży ujemny bias, inicjalizacja, która tak zmniejsza wartości,"
        " że decydują biasy (w głębokiej sieci z ReLU robi tak domyślna inicjalizacja PyTorcha),"
        " albo tak duże wagi, że wszystkie przykłady trafiają po tej samej stronie zera."
        " Spróbuj mniejszego współczynnika uczenia, LeakyReLU albo nn.init.kaiming_normal_."
    ),
    # ukryte jednostki tanh / sigmoid na płaskich końcach; {where_module}: module_in albo
    # saturated_after
    "graph.health.saturated_tanh": (
        "Nasycone jednostki tanh w {where_module}: wiele ich wartości leży blisko -1 albo 1,"
        " gdzie tanh jest płaski, więc jego nachylenie wynosi w tej partii średnio tylko"
        " {slope:.2g} (1 w zerze). Przekazują wstecz niewiele gradientu, który do nich dociera,"
        " a małe zmiany wag przed nimi prawie nie zmieniają tego, co dają na wyjściu. {remedy}"
    ),
    "graph.health.saturated_sigmoid": (
        "Nasycone jednostki sigmoidy w {where_module}: wiele ich wartości leży blisko 0 albo 1,"
        " gdzie sigmoida jest płaska, więc jej nachylenie wynosi w tej partii średnio tylko"
        " {slope:.2g} (0,25 w środku). Przekazują wstecz niewiele gradientu, który do nich"
        " dociera, a małe zmiany wag przed nimi prawie nie zmieniają tego, co dają na wyjściu."
        " {remedy}"
    ),
    "graph.health.saturated_after": "operacji {op} za warstwą {layer}",
    # {remedy} w saturated_*: widoczna przyczyna
    "graph.health.saturated_remedy_weights": (
        "Wagi {layer} są {times} razy większe, niż daje inicjalizacja Xaviera (odchylenie"
        " {std:.2g} zamiast {xavier:.2g}): zainicjuj je przez nn.init.xavier_normal_ albo"
        " domyślnie, jak robi to PyTorch; jeśli urosły tak w trakcie uczenia, zmniejsz"
        " współczynnik uczenia albo dodaj regularyzację L2 (weight_decay optymalizatora)."
    ),
    "graph.health.saturated_remedy_inputs": (
        "Dane wchodzące do warstwy przed nimi są dalekie od standaryzowanych (RMS {rms:.3g}):"
        " standaryzuj wejścia, (x - średnia) / odchylenie dla każdej cechy, liczone na zbiorze"
        " treningowym."
    ),
    # jeden przykład w partii: cała szeroka warstwa milcząca na nim to nie przypadek
    "graph.health.dead_one_example": (
        "Każda z {units} jednostek ReLU w {where_module} daje zero dla jedynego przykładu w tej"
        " partii, więc nie płynie przez nie żaden gradient. Na jednym przykładzie mniej więcej"
        " połowa jednostek warstwy daje zero przypadkiem, ale wszystkie naraz prawie nigdy: te"
        " jednostki najpewniej milczą dla każdego przykładu. Zwykłe przyczyny: duży ujemny"
        " bias, za duży współczynnik uczenia albo tak duże wagi, że wszystkie przykłady trafiają"
        " po tej samej stronie zera. Uruchom partię kilku przykładów, żeby zobaczyć, które"
        " jednostki milczą dla wszystkich; LeakyReLU albo nn.init.kaiming_normal_ z zerowymi"
        " biasami utrzyma je przy życiu."
    ),
    "graph.health.dead_after_one_example": (
        "Każda z {units} jednostek ReLU za warstwą {layer} daje zero dla jedynego przykładu w"
        " tej partii, więc nie płynie przez nie żaden gradient. Na jednym przykładzie mniej"
        " więcej połowa jednostek warstwy daje zero przypadkiem, ale wszystkie naraz prawie"
        " nigdy: te jednostki najpewniej milczą dla każdego przykładu. Zwykłe przyczyny: duży"
        " ujemny bias, za duży współczynnik uczenia albo tak duże wagi, że wszystkie przykłady"
        " trafiają po tej samej stronie zera. Uruchom partię kilku przykładów, żeby zobaczyć,"
        " które jednostki milczą dla wszystkich; LeakyReLU albo nn.init.kaiming_normal_ z"
        " zerowymi biasami utrzyma je przy życiu."
    ),
    "graph.health.dead_uncentred": (
        "Martwe jednostki ReLU w {where_module}: {dead} z {units}. Dla każdego przykładu w"
        " partii dają zero, więc nie płynie przez nie żaden gradient. {remedy} Inne zwykłe"
        " przyczyny: za duży współczynnik uczenia albo duży ujemny bias."
    ),
    "graph.health.dead_after_uncentred": (
        "Martwe jednostki ReLU za warstwą {layer}: {dead} z {units}. Dla każdego przykładu w"
        " partii dają zero, więc nie płynie przez nie żaden gradient. {remedy} Inne zwykłe"
        " przyczyny: za duży współczynnik uczenia albo duży ujemny bias."
    ),
    # {remedy} w dead*_uncentred: wejściem warstwy są same dane albo wyjście warstwy ukrytej
    "graph.health.dead_remedy_data": (
        "Wartości wchodzące do {layer} są dalekie od wycentrowania (średnia {mean:.3g};"
        " odchylenie {std:.3g}): mają wspólne duże przesunięcie, więc w wielu jednostkach"
        " wszystkie przykłady trafiają po tej samej stronie zera. Standaryzuj wejścia:"
        " (x - średnia) / odchylenie dla każdej cechy, liczone na zbiorze treningowym."
    ),
    "graph.health.dead_remedy_hidden": (
        "Wartości wchodzące do {layer} są dalekie od wycentrowania (średnia {mean:.3g};"
        " odchylenie {std:.3g}): mają wspólne duże przesunięcie, więc w wielu jednostkach"
        " wszystkie przykłady trafiają po tej samej stronie zera. Wycentruje je BatchNorm albo"
        " LayerNorm wstawiony tuż przed tą warstwą."
    ),
    # {why}: dead_grown_why_unbiased albo dead_grown_why_biased
    "graph.health.dead_grown": (
        "Martwe jednostki ReLU w {where_module}: {dead} z {units}. Dla każdego przykładu w"
        " partii dają zero, więc nie płynie przez nie żaden gradient. {why} LeakyReLU albo"
        " BatchNorm przed każdym ReLU (centruje każdą jednostkę na partii) utrzyma przepływ"
        " gradientu przez te jednostki."
    ),
    "graph.health.dead_after_grown": (
        "Martwe jednostki ReLU za warstwą {layer}: {dead} z {units}. Dla każdego przykładu w"
        " partii dają zero, więc nie płynie przez nie żaden gradient. {why} LeakyReLU albo"
        " BatchNorm przed każdym ReLU (centruje każdą jednostkę na partii) utrzyma przepływ"
        " gradientu przez te jednostki."
    ),
    "graph.health.dead_remedy_kaiming": (
        "Wagi {layer} mają już skalę, jaką daje nn.init.kaiming_normal_ (odchylenie {std:.2g};"
        " około sqrt(2 / fan_in)), więc to nie inicjalizacja je wycisza: w głębokim stosie"
        " warstw z ReLU część jednostek i tak milknie, bo kolejne warstwy coraz bardziej"
        " zbliżają do siebie przykłady. LeakyReLU albo BatchNorm przed każdym ReLU (centruje"
        " każdą jednostkę na partii) utrzyma przepływ gradientu przez te jednostki; jeśli"
        " uczenie już trwa, jednostki wycisza też za duży współczynnik uczenia."
    ),
    "graph.health.dead_after_deep": (
        "Martwe jednostki ReLU za warstwą {layer}: {dead} z {units}. Dla każdego przykładu w"
        " partii dają zero, więc nie płynie przez nie żaden gradient. {remedy}"
    ),
    # warstwa przed ReLU jest w skali Kaiminga: przyczyną jest głębokość, nie inicjalizacja
    "graph.health.dead_deep": (
        "Martwe jednostki ReLU w {where_module}: {dead} z {units}. Dla każdego przykładu w"
        " partii dają zero, więc nie płynie przez nie żaden gradient. {remedy}"
    ),
    "graph.health.dead_grown_why_biased": (
        "Wartości rosną też z warstwy na warstwę (opisane wyżej); mniejsze wagi zatrzymają ten"
        " wzrost, ale znak wartości zmieniają tylko przez biasy, więc mogą nie ożywić tych"
        " jednostek."
    ),
    "graph.health.dead_grown_why_unbiased": (
        "Wartości rosną też z warstwy na warstwę (opisane wyżej), ale nie dlatego te jednostki"
        " milczą: warstwy przed nimi nie mają biasów, więc wielkość ich wag nie zmienia znaku"
        " żadnej wartości, a przy mniejszych wagach milczą te same jednostki."
    ),
    # graph: g.summary() (liczby przychodzą już pogrupowane: 25 557 032)
    "graph.summary.header.module": "Moduł",
    "graph.summary.header.type": "Typ",
    "graph.summary.header.node": "Węzeł",
    "graph.summary.header.shape": "Kształt wyjścia",
    "graph.summary.header.params": "Parametry",
    "graph.summary.header.grad_norm": "Norma gradientu",
    "graph.summary.header.flags": "Problemy",
    "graph.summary.model": "(model)",
    "graph.summary.total": "Parametry razem: {total}",
    "graph.summary.trainable": "Uczone parametry użyte w tym grafie: {count}",
    "graph.summary.trainable_outside": "{count}, w tym {outside} spoza modelu",
    "graph.summary.in_boxes": "Parametry w zwiniętych modułach: {count}",
    "graph.summary.params_shared": "{count} (+{shared} wspólnych)",
    "graph.summary.grad_shared": "{own} (+{shared} wspólnych)",
    "graph.summary.grad_only_shared": "{shared} (wspólne)",
    "graph.summary.shared_note": (
        "Wspólne parametry (powiązane wagi, jedna warstwa użyta w dwóch miejscach) liczą się "
        "raz, w module, który rejestruje je pierwszy; „+N wspólnych” to parametry, których "
        "moduł używa, a które liczy inny moduł"
    ),
    "graph.summary.counts": "Węzły: {nodes}   Operacje: {ops}{boxes}",
    "graph.summary.passes": "   Przejścia wstecz: {passes}",
    "graph.summary.boxes": "   Zwinięte moduły: {count}",
    "graph.summary.shapes": "Kształty wejść: {inputs}   Kształty wyjść: {outputs}",
    "graph.summary.renamed_lists": (
        "Uwaga: węzłów o identyfikatorach z {lists} nie ma w tym grafie (zmieniono nazwy jego"
        " węzłów, np. przez networkx.relabel_nodes), więc wyniki, których nic nie użyło, mogą"
        " się wyżej znaleźć wśród wyjść, a wejścia w innej kolejności. Zmień identyfikatory"
        " w tych listach w ten sam sposób."
    ),
    "graph.summary.findings": "Wykryte problemy ({count}):",
    "graph.summary.findings_in_lines": "Wykryte problemy ({count}, w {lines} wierszach):",
    "graph.summary.findings_in_line": "Wykryte problemy ({count}, w jednym wierszu):",
    "graph.summary.finding": "- [{kind}] {message}",
    "graph.summary.frozen": (
        "Zamrożone parametry (requires_grad=False) się nie uczą: {count} z {total}"
        " parametrów modelu, w {layers}. To w porządku, jeśli zamroziłeś je celowo (dostrajanie, ang."
        " fine-tuning); jeśli nie, odmroź je przed utworzeniem optymalizatora:"
        " model.requires_grad_(True)."
    ),
    "graph.summary.no_grad": (
        "Warstwy, które działały w bloku torch.no_grad(), nie dostają gradientu i tu się nie"
        " uczą: {layers}"
    ),
    "graph.summary.group.vanishing_shrunk": (
        "Wagi {count} warstw dostają prawie zerowy gradient (RMS od {low:.1e} do {high:.1e}),"
        " więc te warstwy się nie uczą: moduły {layers}. Wagi sieci ({shrunk}) to setna część"
        " tego, od czego zaczyna PyTorch, albo jeszcze mniej, a gradient każdej warstwy"
        " przechodzi przez wagi wokół niej. Albo zainicjowano je o wiele za małe, albo zmniejszył"
        " je trening (o wiele za duże weight_decay: zwykle 1e-4 do 1e-2; albo tak duży"
        " współczynnik uczenia, że trening się załamał): zainicjuj je tak jak warstwy PyTorcha"
        " albo zmniejsz weight_decay i trenuj od nowa na świeżym modelu."
    ),
    "graph.summary.group.vanishing_equal": (
        "Wagi {count} warstw dostają prawie zerowy gradient (RMS od {low:.1e} do {high:.1e}),"
        " więc te warstwy się nie uczą: moduły {layers}. Wagi w {equal} mają wszędzie jedną"
        " wartość: jednostki, które łączą, dostają ten sam gradient, a tam,"
        " gdzie te gradienty się spotykają, znoszą się (po softmaksie gradienty klas sumują się"
        " do zera). Zainicjuj wagi losowo (warstwy PyTorcha robią to domyślnie)."
    ),
    "graph.summary.group.vanishing_tiny": (
        "Wagi {count} warstw dostają prawie zerowy gradient (RMS od {low:.1e} do {high:.1e}),"
        " więc te warstwy się nie uczą: moduły {layers}. Gradient zmniejszają zbyt małe wagi"
        " początkowe (tak działa domyślna inicjalizacja PyTorcha w głębokiej sieci z ReLU) albo"
        " warstwy sigmoid/tanh za nimi: użyj aktywacji z rodziny ReLU z nn.init.kaiming_normal_"
        " i dodaj BatchNorm albo LayerNorm."
    ),
    "graph.summary.group.vanishing_zero": (
        "Wagi {count} warstw dostają gradient równy dokładnie zeru, więc te warstwy niczego się "
        "nie uczą z tej partii: moduły {layers}."
    ),
    "graph.summary.group.vanishing_underflow": (
        "Wagi {count} warstw dostają gradient równy dokładnie zeru, więc te warstwy niczego się"
        " nie uczą z tej partii: gradient maleje w każdej warstwie w drodze wstecz i do tych"
        " warstw dociera już tak mały, że float32 zaokrągla go do zera: moduły {layers}. Pomoże"
        " to samo co na zanikający gradient: aktywacje z rodziny ReLU z nn.init.kaiming_normal_,"
        " BatchNorm albo LayerNorm lub połączenia rezydualne."
    ),
    "graph.summary.group.exploding_huge": (
        "Wagi {count} warstw dostają ogromny gradient (RMS od {low:.1e} do {high:.1e}), więc"
        " jeden krok uczenia może mocno rozregulować te warstwy: moduły {layers}. Zacznij od"
        " mniejszych wag, zmniejsz współczynnik uczenia albo przytnij gradienty"
        " (torch.nn.utils.clip_grad_norm_)."
    ),
    "graph.summary.group.vanishing_zero_input": (
        "Wagi {count} warstw dostają gradient równy dokładnie zeru, choć gradient ich biasów"
        " nie jest zerowy: wszystko, co wchodzi do tych warstw, jest zerem dla całej partii"
        " (milczące jednostki ReLU przed nimi, wejście z samych zer), więc ich wagi niczego się"
        " nie uczą z tej partii: moduły {layers}."
    ),
    "graph.summary.group.dead": (
        "Martwe jednostki ReLU w {count} warstwach: {share}. Dla każdego przykładu w partii"
        " dają zero, więc nie płynie przez nie żaden gradient: moduły {layers}. Zwykłe"
        " przyczyny: za duży współczynnik uczenia, duży ujemny bias, inicjalizacja, która tak"
        " zmniejsza wartości, że decydują biasy (w głębokiej sieci z ReLU robi tak domyślna"
        " inicjalizacja PyTorcha), albo tak duże wagi, że wszystkie przykłady trafiają po tej"
        " samej stronie zera. Spróbuj LeakyReLU albo BatchNorm przed każdym ReLU,"
        " nn.init.kaiming_normal_ tam, gdzie wagi nie mają jego skali, a jeśli trening już"
        " trwa, mniejszego współczynnika uczenia."
    ),
    "graph.summary.group.dead_after": (
        "Martwe jednostki ReLU za {count} warstwami: {share}. Dla każdego przykładu w partii"
        " dają zero, więc nie płynie przez nie żaden gradient: za warstwami {layers}. Zwykłe"
        " przyczyny: za duży współczynnik uczenia, duży ujemny bias, inicjalizacja, która tak"
        " zmniejsza wartości, że decydują biasy (w głębokiej sieci z ReLU robi tak domyślna"
        " inicjalizacja PyTorcha), albo tak duże wagi, że wszystkie przykłady trafiają po tej"
        " samej stronie zera. Spróbuj LeakyReLU albo BatchNorm przed każdym ReLU,"
        " nn.init.kaiming_normal_ tam, gdzie wagi nie mają jego skali, a jeśli trening już"
        " trwa, mniejszego współczynnika uczenia."
    ),
    "graph.summary.group.vanishing_zero_layer": (
        "Wagi {count} warstw dostają gradient równy dokładnie zeru, bo wagi w {zero_weight} to"
        " same zera i nie dostają gradientu (zob. [zerowe wagi]), więc te warstwy też niczego się"
        " nie uczą: moduły {layers}."
    ),
    "graph.summary.group.dead_zero_layer": (
        "Martwe jednostki ReLU w {count} warstwach: {share}. Dla każdego przykładu w partii dają"
        " zero, więc nie płynie przez nie żaden gradient: moduły {layers}. Wagi w {zero_weight}"
        " to same zera, więc każdy przykład dociera do tych jednostek z tą samą wartością."
    ),
    "graph.summary.group.dead_after_zero_layer": (
        "Martwe jednostki ReLU za {count} warstwami: {share}. Dla każdego przykładu w partii dają"
        " zero, więc nie płynie przez nie żaden gradient: za warstwami {layers}. Wagi w"
        " {zero_weight} to same zera, więc każdy przykład dociera do tych jednostek z tą samą"
        " wartością."
    ),
    "graph.summary.group.dead_grown": (
        "Martwe jednostki ReLU w {count} warstwach: {share}. Dla każdego przykładu w partii"
        " dają zero, więc nie płynie przez nie żaden gradient: moduły {layers}. Wartości rosną"
        " też z warstwy na warstwę (opisane wyżej); mniejsze wagi zatrzymają ten wzrost, ale"
        " znak wartości zmieniają tylko przez biasy, więc mogą nie ożywić tych jednostek."
        " LeakyReLU albo BatchNorm przed każdym ReLU (centruje każdą jednostkę na partii)"
        " utrzyma przepływ gradientu przez te jednostki."
    ),
    "graph.summary.group.dead_after_grown": (
        "Martwe jednostki ReLU za {count} warstwami: {share}. Dla każdego przykładu w partii"
        " dają zero, więc nie płynie przez nie żaden gradient: za warstwami {layers}. Wartości"
        " rosną też z warstwy na warstwę (opisane wyżej); mniejsze wagi zatrzymają ten wzrost,"
        " ale znak wartości zmieniają tylko przez biasy, więc mogą nie ożywić tych jednostek."
        " LeakyReLU albo BatchNorm przed każdym ReLU (centruje każdą jednostkę na partii)"
        " utrzyma przepływ gradientu przez te jednostki."
    ),
    "graph.summary.group.share_range": "od {low:.0%} do {high:.0%} jednostek",
    "graph.summary.group.share_all": "wszystkie jednostki",
    "graph.summary.group.share_one": "{low:.0%} jednostek",
    "graph.summary.group.no_gradient": (
        "Wagi {count} warstw nie dostają żadnego gradientu, choć brały udział w przejściu w "
        "przód: graf jest przecięty między nimi a funkcją straty (.detach(), .item(), .numpy() "
        "albo torch.no_grad() w forward), więc te warstwy się nie uczą: moduły {layers}. Jeśli "
        "tak ma być (zamrożony ekstraktor cech), wywołaj na nich requires_grad_(False)."
    ),
    "graph.summary.group.no_examples": (
        "Wagi {count} warstw dostają gradient równy dokładnie zeru, bo warstwy te nie dostały w "
        "tej partii żadnego przykładu (gałęzie albo eksperci, do których ta partia niczego nie "
        "kieruje): moduły {layers}. Z ich gradientami wszystko jest w porządku: zaczną się "
        "uczyć, gdy dotrą do nich przykłady."
    ),
    "graph.summary.group.accumulated": (
        "Pole .grad każdego z {count} parametrów nie zawiera samego gradientu z tego przejścia"
        " wstecz, tylko jego sumę z gradientem pozostałym po wcześniejszym przejściu. Wywołuj"
        " optimizer.zero_grad() (albo p.grad.zero_()) przed każdym backward albo po każdym"
        " kroku, jeśli celowo sumujesz gradienty z kilku partii. Te parametry: {names}."
    ),
    "graph.summary.group.accumulated_not_in_optimizer": (
        "Pole .grad każdego z {count} parametrów nie zawiera samego gradientu z tego przejścia"
        " wstecz, tylko jego sumę z gradientami wcześniejszych przejść, a te parametry nie"
        " należą do optymalizatora, który wykonał krok w tym bloku. Jeśli nie uczy ich inny"
        " optymalizator, zero_grad() tego optymalizatora ich nie zeruje, a jego step() ich nie"
        " zmienia: nie uczą się. Zbuduj optymalizator po ostatniej"
        " zmianie modelu (warstwa podmieniona po torch.optim.SGD(model.parameters(), ...) zostaje"
        " poza nim) albo przekaż mu całe model.parameters(); jeśli mają celowo zostać bez zmian,"
        " wywołaj na nich requires_grad_(False). Te parametry: {names}."
    ),
    "graph.summary.group.not_in_optimizer": (
        "Żaden z {count} parametrów nie należy do optymalizatora, który wykonał krok w tym"
        " bloku. Jeśli nie uczy ich inny optymalizator, step() tego optymalizatora ich nie"
        " zmienia, więc się nie uczą, a jego zero_grad() nie zeruje ich pól .grad, do których"
        " każde kolejne przejście wstecz dodaje gradient. Zbuduj optymalizator po ostatniej"
        " zmianie modelu (warstwa podmieniona po torch.optim.SGD(model.parameters(), ...)"
        " zostaje poza nim; model utworzony od nowa w komórce uruchomionej po komórce"
        " optymalizatora to nowy model, którego optymalizator nie ma) albo przekaż mu całe"
        " model.parameters(); jeśli mają celowo zostać bez zmian, wywołaj na nich"
        " requires_grad_(False). Te parametry: {names}."
    ),
    "graph.summary.group.accumulated_unregistered": (
        "Pole .grad każdego z {count} parametrów nie zawiera samego gradientu z tego przejścia"
        " wstecz, tylko jego sumę z gradientami wszystkich wcześniejszych przejść. Ich warstwy"
        " nie są zarejestrowane w modelu. Jeśli optymalizator zbudowano z model.parameters(),"
        " optimizer.zero_grad() nigdy do nich nie sięga, a optymalizator ich nie uczy:"
        " zarejestruj te warstwy (nn.ModuleList, nn.ModuleDict albo atrybut); w przeciwnym razie"
        " wywołuj optimizer.zero_grad() przed każdym backward. Te parametry: {names}."
    ),
    "graph.summary.unjudged": (
        "  Wielkość tych gradientów nie jest oceniana (czy zanikają, czy eksplodują): każde takie"
        " .grad to suma z kilku przejść wstecz. Aby ją zobaczyć, wywołaj model.zero_grad() przed"
        " backward (sięga każdego parametru modelu, także tych, których nie ma w"
        " optymalizatorze; p.grad.zero_() dla własnego tensora) albo uruchom komórkę raz na"
        " świeżym modelu."
    ),
    "graph.summary.none_collapsed": (
        "Wykryte problemy: tu nie widać żadnych; aby sprawdzić gradienty, wywołaj g.health() "
        "przed collapse()"
    ),
    "graph.summary.none_meta": (
        "Wykryte problemy: nic nie sprawdzono (tensory są na urządzeniu meta, które przechowuje"
        " kształty, ale nie wartości, więc nie było wartości ani gradientów do sprawdzenia; daj"
        " modelowi prawdziwe wagi, aby je sprawdzić)"
    ),
    "graph.summary.none_no_values": (
        "Wykryte problemy: nic nie sprawdzono (nie zapisano wartości ani gradientów, tylko"
        " strukturę i kształty)"
    ),
    "graph.summary.none_forward": (
        "Wykryte problemy: brak w przejściu w przód (nie zapisano gradientów do sprawdzenia)"
    ),
    "graph.summary.none_graph_of": (
        "Wykryte problemy: brak (gradienty nie zanikają ani nie eksplodują, nie ma NaN ani"
        " Inf; martwych jednostek nie sprawdzono: graph_of nie zapisuje aktywacji, ng.trace tak)"
    ),
    "graph.summary.none_masked": (
        "Wykryte problemy: brak (gradienty nie zanikają ani nie eksplodują, nie ma martwych"
        " jednostek ani NaN czy Inf docierających do straty; Inf lub NaN w wartościach przejścia"
        " w przód, -inf maski uwagi albo wartość usunięta przez torch.where lub nan_to_num, do"
        " niej nie dociera)"
    ),
    "graph.summary.none": (
        "Wykryte problemy: brak (gradienty nie zanikają ani nie eksplodują, nie ma martwych "
        "jednostek, NaN ani Inf)"
    ),
    # graph: eksport (g.to_dot, g.save, Graph.from_dict) i collapse
    "graph.dot.params": "{count} param.",
    "graph.dot.untracked": "poza autogradem: bez gradientu",
    "graph.dot.renamed_unused": (
        'Węzłów o identyfikatorach z g.graph["unused"] nie ma w tym grafie (zmieniono nazwy'
        " węzłów): wyniki, których nic nie użyło, nie są rysowane linią przerywaną"
    ),
    "graph.error.indent": (
        "to_json(indent=...) wymaga None albo liczby całkowitej od 0 do {maximum} (liczby "
        "spacji na poziom, np. indent=2), otrzymano {got!r}"
    ),
    "errors.not_bool": "{call} musi być True albo False, otrzymano {got!r}",
    "graph.error.depth": "collapse(depth=...) wymaga liczby całkowitej >= 0, otrzymano {depth!r}",
    "graph.error.rankdir": "to_dot(rankdir=...) musi być TB, LR, BT albo RL, a nie {got!r}",
    "graph.error.not_json": (
        "Graph.from_json() potrzebuje tekstu JSON, takiego jak zwraca g.to_json(), a to nie jest "
        "poprawny JSON ({error}); aby wczytać zapisany plik, użyj "
        'Graph.from_json(Path("net.json").read_text())'
    ),
    "graph.error.json_where": "wiersz {line}, kolumna {column}",
    "graph.error.json_not_utf8": "bajty nie są tekstem w UTF-8",
    "graph.error.json_not_text": "otrzymano {type}, a nie tekst",
    "graph.error.not_an_object": (
        'zapisany graf to obiekt JSON {{"format": "nngraph.graph", ...}}, otrzymano {got}: '
        "przekaż to, co zwróciło g.to_dict() albo g.to_json()"
    ),
    "graph.error.no_format": (
        'to nie jest graf nngraph: brakuje w nim pola "format" (graf nngraph ma "format": '
        '"{format}"); przekaż to, co zwróciło g.to_dict() albo g.to_json()'
    ),
    "graph.error.not_a_graph": (
        'to nie jest graf nngraph: "format" ma wartość {got}, a powinien mieć wartość "{format}"; '
        "przekaż to, co zwróciło g.to_dict() albo g.to_json()"
    ),
    "graph.error.bad_version": (
        '"version" powinno być liczbą całkowitą, np. {version}, a jest {got}: graf jest '
        "uszkodzony albo nie zapisał go nngraph; zapisz go ponownie przez "
        'g.save("net.json")'
    ),
    "graph.error.missing": (
        'w tym grafie nngraph brakuje pola "{key}": JSON jest niekompletny (ucięty albo '
        'poprawiany ręcznie); zapisz graf ponownie przez g.save("net.json")'
    ),
    "graph.error.bad_field": (
        'pole "{key}" grafu nngraph powinno mieć postać {expected}, a jest {got}: JSON został '
        'zmieniony albo uszkodzony; zapisz graf ponownie przez g.save("net.json")'
    ),
    "graph.error.bad_node": (
        'nodes[{index}] potrzebuje pola "id" będącego napisem, liczbą albo listą takich '
        'wartości, a jest {got}: popraw ten wpis albo zapisz graf ponownie przez g.save("net.json")'
    ),
    "graph.error.duplicate_node": (
        "nodes[{index}] powtarza identyfikator {id}: każdy węzeł musi mieć własny "
        "identyfikator; usuń jeden z nich albo nadaj mu inny identyfikator"
    ),
    "graph.error.bad_edge": (
        'edges[{index}] powinno mieć postać {{"source": id, "target": id}}, a jest {got}: '
        'popraw ten wpis albo zapisz graf ponownie przez g.save("net.json")'
    ),
    "graph.error.edge_node": (
        'edges[{index}] wskazuje węzeł {id}, którego nie ma w "nodes": dodaj ten węzeł albo '
        "usuń tę krawędź"
    ),
    "graph.error.json_text_or_null": "napisu, np. {example}, albo null",
    "graph.error.json_text": "napisu, np. {example}",
    "graph.error.edited_attribute": (
        'węzeł {id} ma w polu "{key}" wartość {got}, a powinno ono mieć postać {expected}: czy'
        " ustawiono je ręcznie (g.nodes[n][{key!r}] = ...)? nngraph czyta atrybuty opisane w"
        " docs/schema.md"
    ),
    "graph.error.bad_attribute": (
        'nodes[{index}] (id {id}) ma w polu "{key}" wartość {got}, a powinno ono mieć postać '
        '{expected}: popraw ten wpis albo zapisz graf ponownie przez g.save("net.json")'
    ),
    "graph.error.bad_module": (
        'modules[{index}] powinno mieć postać {{"path": "fc1", "type": "Linear", ...}}, a jest '
        '{got}: popraw ten wpis albo zapisz graf ponownie przez g.save("net.json")'
    ),
    "graph.error.bad_id": (
        "nie można zapisać identyfikatora węzła {id} ({type}) w JSON: identyfikator musi być "
        "napisem, liczbą albo krotką takich wartości. Najpierw zmień identyfikatory węzłów, "
        "np. g = networkx.relabel_nodes(g, str)"
    ),
    "graph.error.no_folder": (
        "nie można zapisać {path}: nie ma folderu {folder}; najpierw go utwórz, np. "
        "pathlib.Path({folder!r}).mkdir(parents=True), albo zapisz plik gdzie indziej"
    ),
    "graph.error.file_in_path": (
        "nie można zapisać {path}: {file} to plik, a nie folder, więc nie da się niczego w nim"
        " zapisać; wybierz inny folder albo inną nazwę pliku"
    ),
    "graph.error.empty_path": (
        'g.save(): brak nazwy pliku ({got}); podaj ją, np. "net.svg" albo "results/net.json"'
    ),
    "graph.error.old_version": (
        '"version" ma wartość {got}, a takiej wersji nngraph nigdy nie zapisywał: ta '
        "wersja nngraph czyta wersję {versions}. Graf jest uszkodzony albo nie zapisał go"
        ' nngraph; zapisz go ponownie przez g.save("net.json")'
    ),
    "graph.error.version": (
        "ten graf zapisano w wersji formatu {got!r}; ta wersja nngraph czyta wersję "
        "{version}: zaktualizuj nngraph"
    ),
    "graph.error.bad_path": (
        'g.save() potrzebuje nazwy pliku, np. "net.svg", albo obiektu pathlib.Path, otrzymano {got}'
    ),
    "graph.error.is_folder": (
        "nie można zapisać {path}: to jest folder; podaj nazwę pliku w nim, np. {example}"
    ),
    "graph.error.name_too_long": (
        "nie można zapisać {path}: nazwa jest za długa dla systemu plików (większość przyjmuje"
        " do 255 bajtów na nazwę); użyj krótszej, np. {example}"
    ),
    "graph.error.not_writable": (
        "nie można zapisać {path}: {reason}; zapisz plik w folderze, do którego masz prawo "
        "zapisu, np. {example}"
    ),
    "graph.error.bad_suffix": (
        "nie można zapisać {path!r}: nazwa musi kończyć się jednym z: {suffixes}"
    ),
    "graph.error.no_dot": (
        "zapisanie {path} wymaga programu `dot` z pakietu Graphviz: zainstaluj Graphviz "
        "(apt-get install graphviz / brew install graphviz / conda install graphviz) albo "
        "zapisz jako .dot/.json"
    ),
    "graph.error.dot_failed": "Graphviz nie zdołał narysować {path}: {error}",
    "graph.error.dot_too_big": (
        "Nie narysowano {path}: tylu bloków ({nodes}), tak połączonych, Graphviz rozmieszczałby "
        "za długo (nawet minutami). g.collapse({depth}).save({typed!r}) narysuje go ze zwiniętymi "
        'modułami (bloków: {boxes}); albo zapisz graf jako .dot lub .json (g.save("net.json")), '
        "co nie wymaga rozmieszczania"
    ),
    "graph.error.dot_too_big_any_depth": (
        "Nie narysowano {path}: tylu bloków ({nodes}), tak połączonych, Graphviz rozmieszczałby "
        "za długo (nawet minutami), a zwinięcie modułów nie pomaga: nawet g.collapse(0), po "
        "jednym bloku na moduł najwyższego poziomu, to za dużo. Zapisz graf jako .dot lub .json "
        '(g.save("net.json")), co nie wymaga rozmieszczania'
    ),
    "graph.error.dot_timeout": (
        "Graphviz wciąż rysował {path} po {seconds} s i został zatrzymany: tylu bloków ({nodes}) "
        "nie da się szybko rozmieścić. g.collapse({depth}).save({typed!r}) narysuje go ze "
        "zwiniętymi modułami (bloków: {boxes}); albo zapisz graf jako .dot lub .json "
        '(g.save("net.json")), co nie wymaga rozmieszczania'
    ),
    "graph.error.dot_timeout_any_depth": (
        "Graphviz wciąż rysował {path} po {seconds} s i został zatrzymany: tylu bloków ({nodes}) "
        "nie da się szybko rozmieścić, a zwinięcie modułów nie pomaga: nawet g.collapse(0), po "
        "jednym bloku na moduł najwyższego poziomu, rysowałby się długo. Zapisz graf jako .dot "
        'lub .json (g.save("net.json")), co nie wymaga rozmieszczania'
    ),
    "graph.error.view_type": (
        "GraphView potrzebuje grafu: ng.Graph (zwracanego przez ng.trace, ng.record i "
        "ng.graph_of), jego g.to_dict() albo tekstu g.to_json(), a nie {got}; np. "
        "GraphView(ng.trace(model, x))"
    ),
    # widgets: błędy opcji widoków (nngraph.widgets; tylko Python)
    "widgets.error.not_installed": (
        "widoki w notatniku (g.show(), ng.GraphView, ng.LossView) wymagają pakietu {package}, "
        "którego ten Python nie może zaimportować: zainstaluj go albo zaktualizuj poleceniem "
        "%pip install --upgrade {package} w komórce notatnika (pip install --upgrade {package} "
        "w terminalu), a potem uruchom ponownie jądro; do tego czasu print(g.summary()) "
        "pokaże graf jako tekst"
    ),
    "widgets.error.choice": "{widget}({option}=...) musi mieć jedną z wartości: {allowed}, otrzymano {got!r}",
    "widgets.error.depth": (
        "{widget}(depth=...) wymaga liczby całkowitej >= 0 (liczby poziomów modułów otwartych "
        "na początku, jak w g.collapse(depth=1)) albo None (tyle, ile się zmieści), "
        "otrzymano {got!r}"
    ),
    "widgets.error.whole": "{widget}({option}=...) wymaga liczby całkowitej, otrzymano {got!r}",
    "widgets.error.unknown_option": "{widget} nie ma opcji {name!r}; jego opcje to: {known}",
    "widgets.error.at_least": (
        "{widget}({option}=...) wymaga liczby całkowitej nie mniejszej niż {minimum}, "
        "otrzymano {got!r}"
    ),
    "widgets.error.range": (
        "{widget}({option}=...) musi być liczbą od {low} do {high}, otrzymano {got!r}"
    ),
    "widgets.error.selected": (
        "{widget}(selected=...) wymaga identyfikatora węzła, napisu takiego jak 'n3' ('' gdy "
        "żaden), otrzymano {got!r}"
    ),
    "widgets.error.selected_unknown": (
        "{widget}(selected=...) otrzymało {got}, a w tym grafie nie ma takiego węzła ('' gdy "
        "żaden). {hint}"
    ),
    "widgets.error.selected_close": "Czy chodziło o {close}?",
    "widgets.error.selected_list": (
        "list(g.nodes) daje identyfikatory węzłów ({first}, ...), a g.nodes(data='name') łączy "
        "je z nazwami parametrów"
    ),
    "widgets.error.selected_empty": "Ten graf nie ma węzłów, więc można wybrać tylko ''",
    "widgets.error.layout": (
        "{widget}(layout=...) to układ z ipywidgets: słownik taki jak "
        "layout={{'width': '600px'}} albo ipywidgets.Layout, otrzymano {got!r}"
    ),
    "graph.error.view_bad": "GraphView nie może tego pokazać: {error}",
    # statyczny obraz widoku grafu (rysowany w Pythonie, widoczny tam, gdzie nie działa JavaScript)
    "graph.picture.more": "… nie narysowano kolejnych: {n}",
    # wiersz tekstu widoku grafu (text/plain, tekst alternatywny obrazka): liczebniki
    "graph.repr": "<nngraph Graph: {nodes}, {ops}, {params}>",
    "graph.view.nodes.one": "{n} węzeł",
    "graph.view.nodes.few": "{n} węzły",
    "graph.view.nodes.many": "{n} węzłów",
    "graph.view.ops.one": "{n} operacja",
    "graph.view.ops.few": "{n} operacje",
    "graph.view.ops.many": "{n} operacji",
    "graph.view.params.one": "{n} parametr",
    "graph.view.params.few": "{n} parametry",
    "graph.view.params.many": "{n} parametrów",
    # graphview: widok grafu (nngraph.widgets.GraphView; przeglądarka wypełnia tylko pola {name})
    "graphview.forward": "W przód",
    "graphview.forward_hint": "przejście w przód: dane płyną od wejść do funkcji straty",
    "graphview.backward": "Wstecz",
    "graphview.backward_hint": "przejście wstecz: gradient płynie od funkcji straty z powrotem do parametrów",
    "graphview.search": "szukaj nazwy…",
    "graphview.search_hint": "szukaj węzłów po nazwie",
    "graphview.matches.one": "{n} trafienie",
    "graphview.matches.few": "{n} trafienia",
    "graphview.matches.many": "{n} trafień",
    "graphview.color_by": "koloruj według",
    "graphview.color.grad": "kolor: gradient",
    "graphview.color.value": "kolor: wartość",
    "graphview.color.none": "kolor: brak",
    "graphview.depth": "głębokość {depth}",
    "graphview.depth_down_hint": "mniej szczegółów (zamknij jeden poziom modułów)",
    "graphview.depth_up_hint": "więcej szczegółów (otwórz jeszcze jeden poziom modułów)",
    "graphview.fit": "Dopasuj",
    "graphview.fit_hint": "zmieść cały graf w widoku",
    "graphview.laying_out": "Układam graf…",
    "graphview.cannot_read": "Nie mogę odczytać tego grafu: {error}",
    "graphview.not_a_graph": "to nie jest graf nngraph (potrzebny jest format 'nngraph.graph' i lista węzłów)",
    "graphview.layout_failed": "Nie udało się ułożyć grafu: {error}",
    "graphview.refused.open_too_many": (
        "Otwarcie wymagałoby narysowania naraz {n} węzłów, więcej niż widok potrafi pokazać."
    ),
    "graphview.refused.depth_too_many": (
        "Rysunek na głębokości {depth} wymagałby narysowania naraz {n} węzłów, więcej niż widok potrafi "
        "pokazać."
    ),
    "graphview.refused.open_tangled": (
        "Układanie rysunku po otwarciu zamroziłoby stronę na długo: krzyżowałoby się w nim "
        "zbyt wiele strzałek."
    ),
    "graphview.refused.depth_tangled": (
        "Układanie rysunku na głębokości {depth} zamroziłoby stronę na długo: krzyżowałoby się "
        "w nim zbyt wiele strzałek."
    ),
    "graphview.refused.kept": "Pokazany rysunek się nie zmienił (głębokość {depth}).",
    "graphview.refused.advice": (
        "Otwieraj moduły po jednym, klikając ich bloki (inne zamkniesz, klikając tytuł ich "
        "ramki), albo znajdź węzeł polem wyszukiwania; print(g.summary()) pokaże graf jako "
        "tekst."
    ),
    "graphview.refused.advice_graph_of": (
        "ng.graph_of nie zna modułów, w które mógłby zwinąć graf do mniejszej liczby bloków: "
        "narysuj zamiast tego ng.trace(model, x, loss=...); print(g.summary()) pokaże graf "
        "jako tekst."
    ),
    "graphview.depth_changed.too_many": (
        "Narysowano na głębokości {depth}, a nie {asked}, o którą proszono: rysunek na głębokości "
        "{asked} wymagałby narysowania naraz {n} węzłów, więcej niż widok potrafi pokazać."
    ),
    "graphview.depth_changed.tangled": (
        "Narysowano na głębokości {depth}, a nie {asked}, o którą proszono: układanie rysunku "
        "na głębokości {asked} zamroziłoby stronę na długo (krzyżowałoby się w nim zbyt wiele "
        "strzałek)."
    ),
    "graphview.depth_changed.advice": "Kliknij blok modułu, aby otworzyć tylko ten moduł.",
    "graphview.too_big": (
        "Ten graf wymagałby narysowania naraz {n} węzłów, więcej niż widok potrafi pokazać, a "
        "zwinięcie modułów go nie zmniejsza (operacje spoza modułów, np. pętla napisana w "
        "komórce, się nie zwijają: umieść je w nn.Module, aby je zwinąć); print(g.summary()) "
        "pokaże go jako tekst."
    ),
    "graphview.too_big_graph_of": (
        "Ten graf wymagałby narysowania naraz {n} węzłów, więcej niż widok potrafi pokazać, a "
        "zwinięcie modułów go nie zmniejsza. ng.graph_of nie zna modułów (znają je ng.trace i "
        "ng.record); print(g.summary()) pokaże go jako tekst."
    ),
    "graphview.too_tangled": (
        "Układanie tego rysunku zamroziłoby stronę na długo: krzyżuje się w nim zbyt wiele "
        "strzałek (blok zasilający operacje w całym grafie, jak waga używana w każdym kroku "
        "pętli, albo gęste połączenia, jak w DenseNet). Spróbuj innej głębokości przyciskami + i "
        "−; print(g.summary()) pokaże graf jako tekst."
    ),
    "graphview.too_tangled_graph_of": (
        "Układanie tego rysunku zamroziłoby stronę na długo: krzyżuje się w nim zbyt wiele "
        "strzałek, a ng.graph_of nie zna modułów, w które mógłby zwinąć graf do mniejszej "
        "liczby bloków. Narysuj zamiast tego ng.trace(model, x, loss=...), którego moduły się "
        "zwijają; print(g.summary()) pokaże graf jako tekst."
    ),
    "graphview.legend.grad": "wielkość gradientu (RMS, skala log.):",
    "graphview.legend.value": "wielkość wartości (RMS, skala log.):",
    "graphview.legend.nonfinite": "NaN albo Inf",
    "graphview.legend.zero": "zero lub brak",
    "graphview.inspector": "inspektor",
    "graphview.close": "zamknij",
    "graphview.step.start": "Początek",
    "graphview.step.start_hint": "wróć na początek przejścia wstecz",
    "graphview.step.prev_hint": "krok wstecz",
    "graphview.step.replay": "▶ Odtwórz wstecz",
    "graphview.step.replay_hint": (
        "odtwórz przejście wstecz węzeł po węźle, w kolejności autogradu"
    ),
    "graphview.step.pause": "Pauza",
    "graphview.step.next_hint": "krok naprzód",
    "graphview.step.end": "Koniec",
    "graphview.step.end_hint": "skocz na koniec przejścia wstecz",
    "graphview.step.help": "Przejście wstecz krok po kroku: zobacz, jak gradient płynie od funkcji straty do parametrów.",
    "graphview.step.none": "W tym grafie nie ma przejścia wstecz: nagraj go razem z funkcją straty, aby odtworzyć przepływ gradientu.",
    "graphview.step.intro": "Przejście wstecz, liczba kroków: {n}. Naciśnij ▶, aby gradient popłynął od funkcji straty.",
    "graphview.step.at": "krok {step}/{total}: {what}",
    "graphview.step.param": "gradient dociera do parametru {name}",
    "graphview.step.param_in": "gradient dociera do parametru {name} w module {module}",
    "graphview.step.op": "{op} przekazuje gradient dalej wstecz",
    "graphview.step.op_in": "{op} w module {module} przekazuje gradient dalej wstecz",
    "graphview.node.grad_shape": "grad {shape}",
    "graphview.node.op": "operacja {op}",
    "graphview.node.autograd": "autograd {name}",
    "graphview.node.in": "w module {module}",
    "graphview.node.unused": (
        "zwrócone, ale nieużywane: nic go nie czyta (odrzucony stan ukryty, jak w out, _ = rnn(x))"
    ),
    "graphview.node.untracked": (
        "poza grafem autogradu (obliczona w bloku torch.no_grad() albo z wejść, które nie "
        "wymagają gradientu): gradient nie płynie przez nią wstecz"
    ),
    "graphview.node_kind.input": "wejście",
    "graphview.node_kind.param": "parametr",
    "graphview.node_kind.buffer": "bufor",
    "graphview.node_kind.constant": "stała",
    "graphview.node_kind.op": "operacja",
    "graphview.node_kind.output": "wyjście",
    "graphview.node_kind.module": "moduł",
    "graphview.run.more": "… jeszcze {type} ×{n}",
    "graphview.run.title": "Powtórzone bloki {type} (×{n}), od {first} do {last}\nkliknij, aby rozwinąć",
    "graphview.run.block": "blok",
    "graphview.module.params": "{count} param.",
    "graphview.module.title": "{path} ({type}), węzłów w środku: {n}\nkliknij, aby otworzyć",
    "graphview.module.module": "moduł",
    "graphview.cluster.close_hint": "{path}: kliknij, aby zamknąć ten moduł",
    "graphview.field.op": "operacja",
    "graphview.field.autograd": "autograd",
    "graphview.field.module": "moduł",
    "graphview.field.module_type": "typ modułu",
    "graphview.field.name": "nazwa",
    "graphview.field.shape": "kształt",
    "graphview.field.dtype": "typ danych",
    "graphview.field.device": "urządzenie",
    "graphview.field.requires_grad": "wymaga gradientu",
    "graphview.field.parameters": "parametry",
    "graphview.field.dead_units": "martwe jednostki",
    "graphview.field.id": "id",
    "graphview.field.type": "typ",
    "graphview.field.nodes_inside": "węzły w środku",
    "graphview.field.grad_rms": "RMS gradientu",
    "graphview.stat.mean": "średnia",
    "graphview.stat.std": "odch. std.",
    "graphview.stat.min": "min",
    "graphview.stat.max": "maks",
    "graphview.stat.norm": "norma L2",
    "graphview.stat.zero_frac": "zera",
    "graphview.stat.nan": "NaN",
    "graphview.stat.inf": "Inf",
    "graphview.top_level": "(najwyższy poziom)",
    "graphview.yes": "tak",
    "graphview.no": "nie",
    "graphview.dead_units": "{dead} z {units} (zawsze zero)",
    "graphview.scalar": "skalar",
    "graphview.range": "zakres od {min} do {max}; średnia {mean} ± {std}",
    "graphview.grad_spread": "wielkość gradientu w {n} tensorach w środku (log10 RMS)",
    "graphview.section.health": "Problemy",
    "graphview.section.value": "Wartość",
    "graphview.section.gradient": "Gradient",
    "graphview.no_grad": "Nie zapisano gradientu: uruchom loss.backward() wewnątrz ng.record(), żeby go zobaczyć.",
    "graphview.kind.repeated": "powtórzone bloki",
    "graphview.kind.module": "moduł",
    "graphview.note.run": "Kliknij blok, aby rozwinąć powtórzenia.",
    "graphview.flags_more.one": "… i jeszcze 1 problem w tym bloku",
    "graphview.flags_more.few": "… i jeszcze {n} problemy w tym bloku",
    "graphview.flags_more.many": "… i jeszcze {n} problemów w tym bloku",
    "graphview.note.module": "Kliknij moduł, aby go otworzyć; kliknij tytuł jego ramki, aby go znowu zamknąć.",
    "graphview.flag.text": "{kind} ({where}): {message}",
    "graphview.flag.text_nowhere": "{kind}: {message}",
    "graphview.flag.kind.vanishing": "zanikający gradient",
    "graphview.flag.kind.exploding": "eksplodujący gradient",
    "graphview.flag.kind.data_scale": "skala danych",
    "graphview.flag.kind.dead": "martwe jednostki",
    "graphview.flag.kind.unregistered": "poza modelem",
    "graphview.flag.kind.nan": "NaN",
    "graphview.flag.kind.inf": "nieskończoność",
    "graphview.flag.kind.zeros": "zerowe wagi",
    "graphview.flag.kind.accumulated": "nagromadzony gradient",
    "graphview.flag.kind.not_in_optimizer": "poza optymalizatorem",
    "graphview.flag.kind.reset_before_step": "gradienty skasowane przed krokiem",
    "graphview.flag.kind.constant": "równe wagi",
    "graphview.flag.kind.no_gradient": "brak gradientu",
    "graphview.flag.kind.loss_input": "strata dostaje złe wejście",
    "graphview.flag.kind.saturated": "nasycone jednostki",
    "graphview.flag.kind.linear_stack": "brak aktywacji",
    "graphview.flag.kind.untrained_norm": "nietrenowana normalizacja",
    "graphview.flag.help.constant": "Wszystkie wagi mają tu tę samą wartość, więc wszystkie jednostki liczą to samo i uczą się tak samo: nigdy nie staną się różne.",
    "graphview.flag.help.loss_input": "Strata dostaje coś, czego się nie spodziewa (ściśnięte wyniki albo cel o innym kształcie): nadal zwraca liczbę, ale nie tę zamierzoną.",
    "graphview.flag.help.saturated": (
        "Większość tych jednostek tanh lub sigmoid jest blisko swoich granic (-1 i 1 albo 0 i 1), gdzie ich nachylenie jest prawie zerowe: przechodzi przez nie mało gradientu, więc warstwy przed nimi prawie się nie uczą."
    ),
    "graphview.flag.help.linear_stack": "Warstwy liniowe następują tu po sobie bez funkcji aktywacji: razem są jednym przekształceniem liniowym, nie bardziej wyrazistym niż jedna warstwa.",
    "graphview.flag.help.untrained_norm": "Ta warstwa normalizująca działa w trybie ewaluacji ze statystykami początkowymi: nie widziała danych treningowych, więc jeszcze nie normalizuje.",
    "graphview.flag.help.no_gradient": "Do tych wag nie dotarł żaden gradient: graf jest przecięty między nimi a funkcją straty, więc się nie uczą.",
    "graphview.flag.help.zeros": "Wszystkie wagi są tu zerami, więc warstwa nie przepuszcza sygnału i nie może się uczyć.",
    "graphview.flag.help.accumulated": (
        "Ten gradient został dodany do starego: .grad nie został wyzerowany przed backward."
    ),
    "graphview.flag.help.not_in_optimizer": "Optymalizator, który wykonał krok, nie ma tej wagi: jego step() nigdy jej nie zmienia, więc się nie uczy. Zbuduj optymalizator po ostatniej zmianie modelu.",
    "graphview.flag.help.reset_before_step": "zero_grad() wywołano między backward() a step(): krok nie dostał gradientów i nie zmienił żadnej wagi. Wywołuj zero_grad() przed backward().",
    "graphview.flag.where.forward": "w przód",
    "graphview.flag.where.backward": "wstecz",
    "graphview.flag.help.vanishing": "Gradient jest tu bardzo mały, więc warstwy przed tym miejscem prawie się nie uczą.",
    "graphview.flag.help.exploding": (
        "Gradient jest tu ogromny, więc kroki uczenia są za duże i strata może gwałtownie wzrosnąć."
    ),
    "graphview.flag.help.data_scale": "Dane są tu dalekie od standaryzacji (wartości rzędu setek lub więcej), więc warstwa, która je mnoży, dostaje ogromne gradienty: wystandaryzuj je, (x - średnia) / odchylenie.",
    "graphview.flag.help.dead": "Te jednostki ReLU dają zero dla każdego przykładu, więc nie płynie przez nie gradient i przestają się uczyć.",
    "graphview.flag.help.unregistered": "Ten moduł jest trzymany w zwykłej liście Pythona, więc model.parameters() pomija jego wagi i optymalizator nigdy ich nie trenuje. Użyj nn.ModuleList.",
    "graphview.flag.help.nan": "Pojawiło się tu NaN (nie-liczba): zaszło coś w rodzaju 0/0 albo log(0).",
    "graphview.flag.help.inf": "Pojawiła się tu nieskończoność: liczba urosła za bardzo jak na swój typ zmiennoprzecinkowy.",
    "graphview.plain": "<nngraph GraphView: {nodes}, {ops}, {params}>",
    "graphview.empty_graph": "pusty graf",
    "graphview.not_built": "nngraph: widok interaktywny nie jest zbudowany. Uruchom scripts/setup.sh (albo: cd js && npm ci && npm run build) i zrestartuj jądro.",
}
