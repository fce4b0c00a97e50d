# Polish text of demos/src/07_lab.py (see scripts/build_demos.py): its markdown cells in order,
# then the strings of its code that a student reads.
#
# The run name `hidden 4` is replaced without its quotes: the test's check cell names that run in
# single quotes as well ('hidden 4'), and it must get the Polish name too.

# %% [markdown]
# # 7. Laboratorium: Iris i odręcznie pisane cyfry
#
# Dwa problemy klasyfikacji, każdy rozwiązywany coraz większymi sieciami:
#
# 1. jedna warstwa: wejścia połączone bezpośrednio z jednym neuronem na klasę (3 dla Iris);
# 2. jedna warstwa ukryta: mała, średnia, duża;
# 3. głębsza sieć: trzy duże warstwy ukryte.
#
# Każdy przebieg trafia do `ng.Runs`, który pokazuje przebiegi obok siebie. Jego tabela pokazuje
# każdy przebieg w jego najlepszej epoce (o najniższej stracie walidacyjnej): straty i dokładności
# w wierszu pochodzą z tej epoki, nie z ostatniej. Wypatruj overfittingu w dużych sieciach: strata
# treningowa wciąż spada, a walidacyjna rośnie.

# %% [markdown]
# Dwie funkcje pomocnicze: `mlp` buduje sieć z listy rozmiarów warstw ukrytych (`[]` to jedna
# warstwa), `train` trenuje ją optymalizatorem Adam na całym zbiorze treningowym naraz i zapisuje
# każdą epokę. Przycisk Zatrzymaj w widoku na żywo działa, bo `train` czyta
# `monitor.stop_requested` (kliknięcie): kliknięcie kończy przebieg, a kolejne przebiegi są
# pomijane. Zatrzymanie zaproponowane przez detektor nie kończy tu przebiegu: chcemy zobaczyć całą
# krzywą.

# %% [markdown]
# ## Iris
#
# 150 kwiatów, po 4 pomiary, 3 gatunki; 90 do treningu, 30 do walidacji, 30 do testu.

# %% [markdown]
# ## Odręcznie pisane cyfry
#
# Zamiennik MNIST działający offline: 1797 obrazków o rozmiarze 8x8 pikseli (64 cechy), 10 klas.
#
# Surowa wartość piksela to liczba całkowita od 0 (biały) do 16 (czarny). Sieć dostaje piksele
# standaryzowane: każdy przesunięty i przeskalowany tak, by na obrazkach treningowych miał średnią 0
# i odchylenie standardowe 1, co dla naszych oczu wygląda jak szum (dolny wiersz). Aby narysować
# cyfry, odwracamy tę operację: najmniejsza wartość każdego piksela to surowe 0, a najmniejsza
# różnica między jego wartościami to surowe 1.

# %% [markdown]
# ## Na co zwrócić uwagę
#
# * Jedna warstwa uczy się powoli: jej najlepsza epoka to ostatnia (wciąż się poprawia), a jej
#   strata treningowa jest na końcu najwyższa ze wszystkich (lewy wykres). Czy model jest zbyt
#   prosty (bias), czy tylko za krótko trenowany? Sprawdza to jedna z części poniżej, trenując go
#   dłużej: na Iris jest niedotrenowany, na cyfrach jest zbyt prosty.
# * `3 x 256` osiąga najlepszą stratę walidacyjną wcześnie; potem strata treningowa spada prawie do
#   0, a walidacyjna wspina się daleko ponad swoje minimum (wariancja). `ukryta 256` robi to samo,
#   łagodniej: jej najlepsza epoka wypada sporo przed końcem, a potem strata walidacyjna trochę
#   rośnie.
# * Gwiazdkę `*` przyznaje porównanie przebiegów tylko w ich najlepszych epokach, nie na końcu,
#   więc może ona trafić do `3 x 256`: zatrzymana w swojej wczesnej najlepszej epoce (jej wagi
#   przywraca `restore_best`), duża sieć może wypaść tak dobrze jak mała. Przy zaledwie 30
#   kwiatach w zbiorze walidacyjnym to, gdzie wypada ta wczesna najlepsza epoka, jest jednak po
#   części kwestią przypadku, a dokładna kolejność zmienia się przy każdym ponownym treningu:
#   wytrenuj jeszcze raz z innym ziarnem (seed), a gwiazdkę może dostać inny przebieg albo
#   najlepsza epoka `3 x 256` może wypaść już po kilku epokach, zanim sieć zdąży się czegoś
#   nauczyć (spójrz na jej `acc`). Kształt krzywych pozostaje ten sam.
# * Kolumna `zatrzymanie` pokazuje, gdzie `Patience(20)` (20 epok bez lepszej straty walidacyjnej)
#   zatrzymałby przebieg. Tutaj każdy przebieg trwa do końca, więc `najlepsza epoka` to najlepsza
#   epoka całego przebiegu. Po zatrzymaniu w tamtym miejscu `restore_best` przywróciłby najlepszą
#   epokę *sprzed* zatrzymania. Na małym zbiorze walidacyjnym (30 kwiatów dla Iris) krzywa jest
#   zaszumiona i po zatrzymaniu może znów spaść, więc te dwie epoki mogą się różnić. Komórka
#   poniżej wypisuje obie.

# %% [markdown]
# ## Jedna warstwa: zbyt prosta czy za krótko trenowana?
#
# Wysoka strata na końcu może znaczyć dwie rzeczy: model nie potrafi lepiej (jest zbyt prosty:
# bias) albo nie trenował jeszcze wystarczająco długo. Żeby to rozstrzygnąć, trenujemy sieć
# z jedną warstwą jeszcze raz, od tego samego punktu startowego: raz przez 10 razy więcej epok,
# raz z 10 razy większym współczynnikiem uczenia, i porównujemy jej najlepszą stratę
# walidacyjną ze stratą sieci z warstwą ukrytą.

# %% [markdown]
# Na Iris jedna warstwa jest niedotrenowana, a nie zbyt prosta: przy dziesięć razy większej
# liczbie epok albo dziesięć razy większym współczynniku uczenia jej najlepsza strata walidacyjna
# spada do około jednej trzeciej tej, którą osiągnęła w 150 epokach, pokonując większą część drogi
# do straty `ukryta 32`, a po 1500 epokach jej najlepsza epoka to wciąż ostatnia: sieć nadal się
# poprawia. Model był wystarczająco dobry; 150 epok przy tym współczynniku uczenia to po prostu za
# mało.
#
# Na cyfrach jest naprawdę zbyt prosta (bias): trenowana dziesięć razy dłużej albo z dziesięć razy
# większym współczynnikiem uczenia, wciąż ma najlepszą stratę walidacyjną wyższą niż ta, którą
# `ukryta 64` osiągnęła w 60 epokach. Przy dłuższym treningu jej najlepsza epoka wypada na długo przed
# 600. epoką, a potem strata walidacyjna znów rośnie: jeszcze więcej epok by nie pomogło. Dłuższy trening
# nie pomoże modelowi, który jest zbyt prosty; pomaga warstwa ukryta.

# %% [markdown]
# Twoja kolej: zmień rozmiary warstw ukrytych, współczynnik uczenia albo liczbę epok. Zbioru
# testowego użyj tylko raz, dla modelu, który wybierzesz, w jego najlepszej epoce: `restore_best()`
# przywraca wagi tej epoki do własnego modelu przebiegu (`train` niczego nie zwraca, a po pętlach
# `model` to tylko ostatnia wytrenowana sieć):
#
# ```python
# picked = runs_digits["ukryta 64"]  # przebieg wybrany według straty walidacyjnej
# picked.restore_best()  # jego model z wagami z najlepszej epoki
# picked.model.eval()
# with torch.no_grad():
#     test_out = picked.model(digits.x_test)
# test_acc = (test_out.argmax(1) == digits.y_test).float().mean()
# print(f"{picked.name}, epoka {picked.best.epoch}: dokładność testowa {number(test_acc, '.3f')}")
# ```
#
# Albo trenuj na mniejszej liczbie cyfr: `train` przyjmuje cały zbiór danych podzielony na części (treningową, walidacyjną i testową),
# więc zrób kopię `digits`, w której część treningowa to tylko 200 pierwszych obrazków (zbiór
# walidacyjny zostaje ten sam):
#
# ```python
# import dataclasses
#
# few = dataclasses.replace(digits, x_train=digits.x_train[:200], y_train=digits.y_train[:200])
# model = mlp(64, [256], 10)
# train(model, few, runs_digits.new("ukryta 256, 200 cyfr", model=model), epochs=60)
# print(runs_digits.table())
# ```

# %% [strings]
# - # the one place the device is chosen: a GPU if there is one
# + # jedyne miejsce wyboru urządzenia: GPU, jeśli jest
# - # tiny models: more CPU threads cost more time than they save
# + # małe modele: więcej wątków CPU kosztuje więcej czasu, niż oszczędza
# - title=f"{title}: training loss"
# + title=f"{title}: strata treningowa"
# - xlabel="epoch"
# + xlabel="epoka"
# - title="validation loss"
# + title="strata walidacyjna"
# - print(iris.x_train.shape, "classes:", iris.names)
# + print(iris.x_train.shape, "klasy:", iris.names)
# - "1 layer"
# + "1 warstwa"
# - hidden 4
# + ukryta 4
# - "hidden 16"
# + "ukryta 16"
# - "hidden 32"
# + "ukryta 32"
# - "hidden 64"
# + "ukryta 64"
# - "hidden 256"
# + "ukryta 256"
# - # inf: a pixel always blank
# + # inf: piksel zawsze pusty
# - print("raw pixel values:",
# + print("surowe wartości pikseli:",
# - set_ylabel("raw")
# + set_ylabel("surowe")
# - set_ylabel("input")
# + set_ylabel("wejście")
# - "digits"
# + "cyfry"
# - f"{title}, {mon.name}: stop at epoch {stop}, best before it: epoch {steps[before]:.0f}"
# + f"{title}, {mon.name}: zatrzymanie w epoce {stop}, najlepsza przed nim: epoka {steps[before]:.0f}"
# - f" ({before_value}); best of the run: epoch {mon.best.epoch} ({best_value})"
# + f" ({before_value}); najlepsza w całym przebiegu: epoka {mon.best.epoch} ({best_value})"
# - print(f"{title}, best validation loss:")
# + print(f"{title}, najlepsza strata walidacyjna:")
# - print(f"  {name}, {epochs} epochs, learning rate {lr}: {value} (best epoch {best.epoch})")
# + print(f"  {name}, liczba epok {epochs}, współczynnik uczenia {lr}: {value} (najlepsza epoka {best.epoch})")
# - # each network before training: a section below trains one again from there
# + # każda sieć przed treningiem: część poniżej trenuje jedną z nich jeszcze raz od tego stanu
# - # each network before training, as for Iris
# + # każda sieć przed treningiem, jak dla Iris
# - # the table's one-layer network as it was before training
# + # sieć z jedną warstwą z tabeli, taka, jaka była przed treningiem
# - # longer, faster
# + # dłużej, szybciej
# - # format(x, ".4f") as the language writes it: 0,5 in Polish
# + # format(x, ".4f") tak, jak zapisuje się liczby w danym języku: 0,5 po polsku
