# Polish text of demos/src/08_lab_tasks.py (see scripts/build_demos.py): its markdown cells in
# order, then the strings of its code that a student reads.

# %% [markdown]
# # 8. Laboratorium: zadania
#
# Karta zadań: te same dane i funkcje pomocnicze co w demo 7, a wybór sieci należy do ciebie.
# Każda komórka działa w obecnej postaci: tam, gdzie zadanie ma TODO, komórka działa z zastępczą
# wartością, dopóki jej nie zmienisz (sieć z jedną warstwą albo pusta lista rozmiarów, która
# niczego nie trenuje). Demo 7 to jedno z rozwiązań; zajrzyj do niego
# dopiero po własnej próbie.
#
# Dwa problemy klasyfikacji, Iris i odręcznie pisane cyfry, każdy rozwiązywany:
#
# 1. jedną warstwą: wejścia połączone bezpośrednio z jednym neuronem na klasę (3 dla Iris);
# 2. jedną warstwą ukrytą: małą, średnią i dużą;
# 3. głębszą siecią. Upewnij się, że widzisz overfitting (przeuczenie): strata treningowa wciąż
#    spada, a walidacyjna rośnie.
#
# Potem wybierz jedną sieć dla każdego problemu według straty walidacyjnej i oceń ją na zbiorze
# testowym, tylko raz.

# %% [markdown]
# Funkcje pomocnicze z demo 7: `mlp` buduje sieć z listy rozmiarów warstw ukrytych (`[]` to jedna
# warstwa), `train` trenuje ją optymalizatorem Adam na całym zbiorze treningowym naraz i zapisuje
# każdą epokę w monitorze (przycisk Zatrzymaj w widoku na żywo kończy przebieg), a `plot_runs`
# rysuje stratę treningową i walidacyjną każdego przebiegu.

# %% [markdown]
# ## Iris
#
# 150 kwiatów, po 4 pomiary, 3 gatunki; 90 do treningu, 30 do walidacji, 30 do testu.
#
# **Zadanie 1.** Jedna warstwa: 4 wejścia połączone bezpośrednio z 3 wyjściami. Wytrenuj ją
# i przyjrzyj się krzywym. Czy jej najlepsza epoka to ostatnia (sieć wciąż się poprawia)? Jeśli
# tak, trening nie jest skończony: zanim uznasz model za zbyt prosty, spróbuj więcej epok albo
# większego współczynnika uczenia (`train(..., epochs=..., lr=...)`).

# %% [markdown]
# **Zadanie 2.** Jedna warstwa ukryta w trzech rozmiarach: małym, średnim i dużym (na przykład 4,
# 32 i 256 neuronów). Wpisz każdy rozmiar do listy i uruchom komórkę: każda sieć staje się jednym
# przebiegiem w tabeli, pokazanym w swojej najlepszej epoce.

# %% [markdown]
# **Zadanie 3.** Głębsza sieć: kilka dużych warstw ukrytych, na przykład trzy po 256 neuronów.
# Upewnij się, że widzisz overfitting: w którym przebiegu strata treningowa dalej spada, a
# walidacyjna rośnie? W której epoce byś go zatrzymał(a)? Kolumna `zatrzymanie` w tabeli pokazuje,
# gdzie `Patience(20)` zatrzymałby każdy przebieg.

# %% [markdown]
# ## Odręcznie pisane cyfry
#
# 1797 obrazków o rozmiarze 8x8 pikseli (64 cechy), 10 klas: zamiennik MNIST działający offline.
#
# **Zadanie 4.** Zadania 1-3 jeszcze raz, na cyfrach: jedna warstwa, jedna warstwa ukryta w trzech
# rozmiarach, głębsza sieć. Wejść jest teraz 64, a klas 10. Czy sieć z jedną warstwą jest tu zbyt
# prosta, czy tylko za krótko trenowana? Czy duża sieć przeucza się szybciej niż na Iris?

# %% [markdown]
# ## Zbiór testowy, tylko raz
#
# **Zadanie 5.** Dla każdego problemu wybierz jeden przebieg według straty walidacyjnej (nie
# według wyniku testowego), przywróć wagi z jego najlepszej epoki (`restore_best()`) i oceń go na
# zbiorze testowym, tylko raz. Zbiór testowy mówi, jak wybrana sieć poradzi sobie z nowymi danymi;
# gdyby posłużył do wyboru, przestałby to mówić.

# %% [strings]
# - # the one place the device is chosen: a GPU if there is one
# + # jedyne miejsce wyboru urządzenia: GPU, jeśli jest
# - # tiny models: more CPU threads cost more time than they save
# + # małe modele: więcej wątków CPU kosztuje więcej czasu, niż oszczędza
# - # format(x, ".3f") as the language writes it: 0,5 in Polish
# + # format(x, ".3f") tak, jak zapisuje się liczby w danym języku: 0,5 po polsku
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
# - # TODO: hidden layer sizes, for example [4, 32, 256]
# + # TODO: rozmiary warstw ukrytych, na przykład [4, 32, 256]
# - f"hidden {size}"
# + f"ukryta {size}"
# - # TODO: the hidden layers of a deeper network, for example [256, 256, 256]
# + # TODO: warstwy ukryte głębszej sieci, na przykład [256, 256, 256]
# - f"deep {deep}"
# + f"głęboka {deep}"
# - "digits"
# + "cyfry"
# - # TODO: hidden layers, for example "hidden 16": [16], ..., "3 x 256": [256, 256, 256]
# + # TODO: warstwy ukryte, na przykład "ukryta 16": [16], ..., "3 x 256": [256, 256, 256]
# - # TODO: the run you pick for each problem
# + # TODO: przebieg wybrany dla każdego problemu
# - # its model, with the weights of its best epoch
# + # jego model z wagami z najlepszej epoki
# - f"{title}, {picked.name}, epoch {picked.best.epoch}: test accuracy {accuracy}"
# + f"{title}, {picked.name}, epoka {picked.best.epoch}: dokładność testowa {accuracy}"
