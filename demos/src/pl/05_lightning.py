# Polish text of demos/src/05_lightning.py (see scripts/build_demos.py): its markdown cells in
# order, then the strings of its code that a student reads.

# %% [markdown]
# # 5. Wysokopoziomowe API: PyTorch Lightning
#
# Do tej pory każdą pętlę treningową pisaliśmy sami (niskopoziomowe API). Wysokopoziomowe API
# pisze pętlę za nas: opisujemy sieć, jeden krok treningu i optymalizator, a potem wywołujemy
# `fit`. Keras robi to dla TensorFlow, Lightning dla PyTorcha, a oba poziomy można łączyć:
# wewnątrz modułu Lightning jest zwykły PyTorch. Wysoki poziom pozwala szybko wytrenować typową
# sieć, a własnego kodu, w którym można się pomylić, jest mniej (błąd z demo 4 siedział w pętli
# napisanej ręcznie); niski poziom zostaje tam, gdzie potrzeba pełnej kontroli: w badaniach
# i przy nowych pomysłach.
#
# Oto znów sieć 2-10-1 z demo 4. W Kerasie `fit` zwraca obiekt `History` z krzywymi; tutaj nad
# `fit` czuwa callback nngraph: krzywe na żywo, wyjaśnienia, wczesne zatrzymanie (*early
# stopping*) i przywrócenie najlepszych wag na końcu.

# %% [markdown]
# ## Sieć jako `LightningModule`
#
# `forward` jak wcześniej; `training_step` i `validation_step` liczą stratę jednej partii danych
# (batch) i zapisują ją przez `log`; `configure_optimizers` wybiera optymalizator.

# %% [markdown]
# ## `fit`
#
# `Trainer` zajmuje się epokami, partiami, walidacją i urządzeniem (`accelerator`).
# Aby zakończyć `fit` wcześniej, kliknij przycisk Zatrzymaj w widoku na żywo, a nie *Interrupt
# the kernel* (przerwanie jądra): Zatrzymaj kończy `fit` po bieżącej epoce, najlepsze wagi
# wracają, a komórka działa dalej. Przerwanie też je przywraca, ale Lightning kończy wtedy
# komórkę błędem `SystemExit` i nic, co w tej komórce stoi po `fit`, się nie wykona.

# %% [markdown]
# ## Gdzie `fit` się zatrzymał
#
# Detektory callbacku to zestaw do zajęć. `GL(5)` tylko ostrzega, o czym mówi jego komunikat:
# trening trwa dalej, bo na małym, zaszumionym zbiorze walidacyjnym (tu 15 punktów) strata często
# znów spada. Zatrzymuje `Patience(20)`: gdy strata walidacyjna nie poprawia się przez 20 epok,
# każe obiektowi `Trainer` przerwać trening i `fit` kończy się w tym miejscu, nawet przed
# `max_epochs`. Lightning numeruje epoki od 0 (nasze własne pętle liczyły od 1), więc numer
# epoki, w której trening się zatrzymuje (poniżej), jest o jeden mniejszy od liczby wykonanych
# epok (ostatni wiersz).

# %% [markdown]
# Po `fit` callback przywrócił wagi najlepszej epoki. Sprawdzamy to na zbiorze walidacyjnym,
# a potem oglądamy wytrenowaną sieć jako graf.

# %% [strings]
# - # the one place the device is chosen: a GPU if there is one
# + # jedyne miejsce wyboru urządzenia: GPU, jeśli jest
# - # tiny models: more CPU threads cost more time than they save
# + # małe modele: więcej wątków CPU kosztuje więcej czasu, niż oszczędza
# - # keep the output short
# + # żeby wyjście było krótkie
# - # tips for big data sets
# + # wskazówki dotyczące dużych zbiorów danych
# - print(n_params, "parameters")
# + print(n_params, "parametrów")
# - print(f"epoch {event.epoch}: {event.detector}", "stops fit" if event.stop else "warns only")
# + print(f"epoka {event.epoch}: {event.detector}", "zatrzymuje fit" if event.stop else "tylko ostrzega")
# - # the number of epochs that ran
# + # liczba wykonanych epok
# - f"fit ran {ran} of {trainer.max_epochs} epochs, numbered 0 to {ran - 1}; best: {mon.best.epoch}"
# + f"fit wykonał {ran} z {trainer.max_epochs} epok, o numerach od 0 do {ran - 1}; najlepsza: {mon.best.epoch}"
# - f"validation loss now {now}, best epoch {mon.best.epoch}: {best}"
# + f"strata walidacyjna teraz {now}, najlepsza epoka {mon.best.epoch}: {best}"
# - print(f"test accuracy {number(test_acc, '.2f')}")
# + print(f"dokładność testowa {number(test_acc, '.2f')}")
# - # format(x, ".4f") as the language writes it: 0,5 in Polish
# + # format(x, ".4f") tak, jak zapisuje się liczby w danym języku: 0,5 po polsku
# - label="training")
# + label="trening")
# - label="validation")
# + label="walidacja")
# - axis.set(xlabel="epoch", title=metric)
# + axis.set(xlabel="epoka", title={"loss": "strata", "acc": "dokładność"}[metric])
