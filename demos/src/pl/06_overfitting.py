# Polish text of demos/src/06_overfitting.py (see scripts/build_demos.py): its markdown cells in
# order, then the strings of its code that a student reads.

# %% [markdown]
# # 6. Overfitting (przeuczenie)
#
# **Przeuczenie** (ang. *overfitting*) występuje, gdy model tak dobrze nauczył się danych
# treningowych, razem z szumem, że gorzej radzi sobie z nowymi danymi. Trzy przyczyny: za mało danych, zbyt
# złożony model, zbyt dużo szumu.

# %% [markdown]
# ## Pięć punktów
#
# Pięć zaszumionych punktów treningowych z prostej i 20 punktów walidacyjnych z tej samej prostej.
# Dwa modele: prosta (2 parametry) i wielomian stopnia 6 (7 parametrów). Parametrów jest więcej
# niż punktów, więc wielomian może przejść przez każdy punkt: bierzemy ten o najmniejszych
# współczynnikach (metoda najmniejszych kwadratów z pseudoodwrotnością). Błąd to błąd
# średniokwadratowy; błąd treningowy wielomianu wynosi 0, a mimo to na nowych punktach myli się
# bardziej niż prosta.
#
# Rysunek z wykładu pokazuje to samo: prosta z błędem treningowym 5,3 i walidacyjnym 5,1 oraz model
# z 7 parametrami z błędem treningowym 0 i walidacyjnym 20 (liczby poglądowe). U nas, poniżej:
# prosta 1,287 (trening) i 1,238
# (walidacja), stopień 6: 0 i 4,068. Skala jest inna, obraz ten sam.

# %% [markdown]
# ## Kompromis bias-variance
#
# Wszystkie stopnie od 0 do 6. Błąd treningowy nigdy nie rośnie: model z większą liczbą
# parametrów dopasowuje się do punktów treningowych co najmniej równie dobrze, a od stopnia 4
# (5 parametrów, 5 punktów) jego krzywa przechodzi dokładnie przez nie. Błąd walidacyjny najpierw
# maleje, potem rośnie: **krzywa w kształcie litery U**.
#
# * na lewo od minimum: błędy **bias** (underfitting, niedouczenie): model jest zbyt prosty;
# * na prawo od minimum: błędy **wariancji** (overfitting, przeuczenie): model dopasowuje się do
#   szumu.

# %% [markdown]
# ## Wykrywanie w trakcie treningu
#
# Sieć o wiele za duża jak na swoje dane: 64-512-512-10 (300 000 parametrów) trenowana na zaledwie
# 150 obrazkach odręcznie pisanych cyfr. Błąd treningowy wciąż maleje; błąd walidacyjny przestaje
# maleć i zaczyna rosnąć. To moment, żeby zatrzymać trening, a przynajmniej zachować migawkę
# modelu.
#
# `ng.Monitor` śledzi obie krzywe. Jego detektor `GL(5)` zgłasza alarm, gdy strata walidacyjna jest
# o 5% wyższa od najlepszej, a `mon.restore_best(model)` przywraca wagi z najlepszej epoki.
# Trenujemy jeszcze 15 epok po alarmie, żeby zobaczyć wzrost. Przycisk Zatrzymaj w widoku
# zatrzymuje pętlę po bieżącej epoce: pętla czyta `mon.stop_requested`, które ustawia tylko
# kliknięcie.

# %% [markdown]
# Wykres to znów kompromis bias-variance, tym razem w kolejnych epokach: w miarę treningu bias
# maleje (obie straty spadają, gdy sieć uczy się cyfr), a wariancja rośnie (po najlepszej epoce
# strata treningowa dalej spada, a walidacyjna rośnie: sieć dopasowuje się do szumu w swoich 150
# obrazkach).
#
# Przywracamy najlepsze wagi i sprawdzamy: strata walidacyjna znów ma najlepszą wartość.

# %% [markdown]
# ## Jak temu zaradzić
#
# * więcej danych;
# * prostszy model (mniej parametrów);
# * regularyzacja, na przykład dropout (następny wykład);
# * wczesne zatrzymanie (*early stopping*): przerwanie treningu, gdy błąd walidacyjny rośnie, i
#   zachowanie najlepszego modelu.

# %% [strings]
# - # the one place the device is chosen: a GPU if there is one
# + # jedyne miejsce wyboru urządzenia: GPU, jeśli jest
# - # tiny models: more CPU threads cost more time than they save
# + # małe modele: więcej wątków CPU kosztuje więcej czasu, niż oszczędza
# - # float64, on the CPU
# + # float64, na CPU
# - # columns 1, x, x², ...
# + # kolumny 1, x, x², ...
# - # minimum-norm least squares
# + # metoda najmniejszych kwadratów, rozwiązanie o minimalnej normie
# - "line (2 parameters)"
# + "prosta (2 parametry)"
# - "degree 6 (7 parameters)"
# + "stopień 6 (7 parametrów)"
# - f"{name:24} training error {training}   validation error {validation}"
# + f"{name:24} błąd treningowy {training}   walidacyjny {validation}"
# - label="training")
# + label="treningowe")
# - label="validation")
# + label="walidacyjne")
# - label="line")
# + label="prosta")
# - label="degree 6")
# + label="stopień 6")
# - print(f"degree {d}: training {number(tr, '.3f')}, validation {number(va, '.3f')}")
# + print(f"stopień {d}: treningowy {number(tr, '.3f')}, walidacyjny {number(va, '.3f')}")
# - plt.xlabel("degree (parameters - 1)")
# + plt.xlabel("stopień (liczba parametrów - 1)")
# - plt.ylabel("mean squared error")
# + plt.ylabel("błąd średniokwadratowy")
# - # 8x8 images, 64 features, 10 classes
# + # obrazki 8x8, 64 cechy, 10 klas
# - # too little data
# + # za mało danych
# - print(len(x_small), "training images,", len(digits.x_val), "validation images")
# + print(len(x_small), "obrazków treningowych,", len(digits.x_val), "walidacyjnych")
# - # the Stop button
# + # przycisk Zatrzymaj
# - # 15 epochs past GL(5)'s alarm
# + # 15 epok po alarmie GL(5)
# - label="best")
# + label="najlepsza")
# - plt.xlabel("epoch")
# + plt.xlabel("epoka")
# - plt.ylabel("loss")
# + plt.ylabel("strata")
# - # as logged: the model may be restored already
# + # tak, jak zapisano: model mógł już zostać przywrócony
# - f"validation loss: last epoch {last}, after restore_best {restored}"
# + f"strata walidacyjna: ostatnia epoka {last}, po restore_best {restored}"
# - print(f"best, epoch {mon.best.epoch}: {number(mon.best.value, '.4f')}")
# + print(f"najlepsza, epoka {mon.best.epoch}: {number(mon.best.value, '.4f')}")
# - # format(x, ".3f") as the language writes it: 0,5 in Polish
# + # format(x, ".3f") tak, jak zapisuje się liczby w danym języku: 0,5 po polsku
