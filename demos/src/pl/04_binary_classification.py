# Polish text of demos/src/04_binary_classification.py (see scripts/build_demos.py): its markdown
# cells in order, then the strings of its code that a student reads.

# %% [markdown]
# # 4. Klasyfikacja binarna
#
# Dwie klasy punktów na płaszczyźnie (`make_classification`, 10% etykiet wylosowanych),
# podzielone 70 / 15 / 15 na zbiór treningowy, walidacyjny i testowy. Najpierw model napisany
# ręcznie (z błędem do znalezienia), potem to samo z modułami PyTorcha: `nn.Linear`,
# `nn.Sequential` i nasza własna klasa `nn.Module`, trenowane optymalizatorami SGD i Adam.

# %% [markdown]
# ## Ręcznie: regresja logistyczna. Znajdź błąd!
#
# $p = \sigma(xw + b)$, funkcja straty: binarna entropia krzyżowa, spadek gradientu napisany
# ręcznie. Ta pętla była w opublikowanym notatniku. Uruchom ją: po pierwszej epoce strata stoi w
# miejscu.
#
# Przycisk Zatrzymaj w widoku na żywo działa, bo pętle tego demo czytają
# `monitor.stop_requested` (kliknięcie, nie detektor). Zatrzymują się tylko po kliknięciu: rada
# detektorów, by przerwać trening (`Patience`), jest wyświetlana, ale przebiegi trwają dalej,
# żebyśmy mogli zobaczyć, co będzie potem.

# %% [markdown]
# ## Debugger
#
# Przyjrzyjmy się jednemu krokowi treningu. `w` i `b` to obiekty `nn.Parameter`, więc graf rysuje je
# jako parametry modelu (2 + 1 liczby), osobno od danych `x_train` i `y_train`. Pokazuje każdy
# parametr tak, jak widziało go przejście w przód (jego wartość), a jego gradient tak, jak
# przechowuje go `.grad` po tym przejściu wstecz (`w.grad`, `b.grad`): gradient tego przejścia
# *plus* pozostałości 30 wcześniejszych, bo nic ich nie wyzerowało. Mówią o tym wyniki diagnozy
# poniżej, a komórka dla porównania liczy gradient samego tego przejścia. Potem sprawdzamy, co
# naprawdę zrobiły `step()` i `zero_grad()`.

# %% [markdown]
# Już wiesz, gdzie jest błąd? Odpowiedź jest zwinięta poniżej: kliknij, żeby ją rozwinąć.
#
# <details><summary>Odpowiedź</summary>
#
# Co pokazuje debugger:
#
# * w chwili przejścia w przód **wszystkie wagi są zerami**: `zero_grad()` zeruje wagi, a nie
#   gradienty, więc model zawsze zwraca $p = 0{,}5$, a strata utrzymuje się na poziomie $\ln 2$;
# * gradienty nigdy nie są zerowane: każde przejście wstecz dodaje do nich swój gradient, więc ich
#   norma rośnie z każdą epoką. Gradient `w` w grafie to `w.grad`: około 30 razy większy niż
#   gradient samego tego przejścia;
# * `b` zmienia się o $-\eta$ bez względu na swój gradient: aktualizacja wyrazu wolnego (bias)
#   ignoruje gradient.
#
# Poprawka: zerujemy *gradienty* i używamy gradientu `b`.
#
# </details>

# %% [markdown]
# ## Z modułami
#
# `nn.Linear` przechowuje $w$ i $b$; optymalizator je aktualizuje. `BCEWithLogitsLoss` stosuje
# sigmoidę i funkcję straty w jednym, numerycznie bezpiecznym kroku, więc modele zwracają surowy
# wynik (*logit*): dodatni oznacza klasę 1. Jedna funkcja `train` obsługuje każdy model poniżej
# i zapisuje w monitorze stratę i dokładność na zbiorze treningowym i walidacyjnym.

# %% [markdown]
# Ostrzeżenie mówi: „model mógł zacząć zapamiętywać dane treningowe albo to szum małego zbioru
# walidacyjnego”. Tu chodzi o to drugie. Model liniowy o dwóch cechach ma 3 parametry ($w_1$,
# $w_2$ i $b$; jego granica decyzyjna to prosta): nie zapamięta 70 punktów. Zbiór walidacyjny
# ma tylko 15 punktów, a detektory widzą tylko ich średnią stratę. W miarę treningu prosta
# staje się coraz pewniejsza: większość punktów walidacyjnych dostaje niższą stratę, ale
# te nieliczne po złej stronie prostej (10% etykiet wylosowano) dostają dużo wyższą i średnia
# rośnie. Dokładność walidacyjna zostaje tam, gdzie była. Komunikat detektora to praktyczna reguła:
# zanim mu uwierzysz, spójrz na dane i na model. Prawdziwy overfitting pokazuje demo 6: sieć z
# 300 000 parametrów trenowana na 150 obrazkach.

# %% [markdown]
# Warstwa ukryta z pięcioma jednostkami sigmoidalnymi, zbudowana jako sekwencja warstw
# `Sequential`. Sieć jako sekwencja warstw to sposób, w jaki opisują ją wysokopoziomowe API (Keras
# też ma `Sequential`); trenując ją, jak tutaj, we własnej, ręcznie napisanej pętli, łączymy oba
# poziomy, i to jest w porządku.

# %% [markdown]
# ## Własny moduł: 2-10-1 z ReLU
#
# Klasa określa, jakie warstwy ma sieć (`__init__`) i jak płyną przez nie dane (`forward`).
# 2·10 + 10 + 10·1 + 1 = 41 parametrów. `ng.trace` wykonuje jedno przejście w przód i wstecz
# i rysuje je, warstwa po warstwie.

# %% [markdown]
# ## SGD czy Adam?
#
# Ta sama sieć, te same wagi początkowe, dwa optymalizatory. `ng.Runs` pokazuje przebiegi obok
# siebie. W jego tabeli każdy przebieg jest pokazany w swojej najlepszej epoce (o najniższej
# stracie walidacyjnej), nie w ostatniej; to, jak przebieg toczy się dalej, widać na krzywych
# poniżej.

# %% [markdown]
# ## Krzywe treningowe i walidacyjne
#
# Krzywe treningowe pochodzą z danych, na których model się uczy; walidacyjne z punktów, na
# których nigdy nie jest trenowany. Zwróć uwagę na różnicę między nimi.

# %% [markdown]
# ## Granica decyzyjna
#
# Gdzie sieć wskazuje klasę 1 (na czerwono), a gdzie klasę 0 (na niebiesko), razem z punktami
# treningowymi.

# %% [strings]
# - # the one place the device is chosen: a GPU if there is one
# + # jedyne miejsce wyboru urządzenia: GPU, jeśli jest
# - # tiny models: more CPU threads cost more time than they save
# + # małe modele: więcej wątków CPU kosztuje więcej czasu, niż oszczędza
# - print(len(x_train), "training,", len(x_val), "validation,", len(data.x_test), "test points")
# + print(len(x_train), "punktów treningowych,", len(x_val), "walidacyjnych,", len(data.x_test), "testowych")
# - # a tensor to learn: requires_grad=True
# + # tensor do wytrenowania: requires_grad=True
# - ng.Monitor(name="buggy")
# + ng.Monitor(name="z błędem")
# - ng.Monitor(name="fixed")
# + ng.Monitor(name="poprawiony")
# - # the leaves we learn: w and b
# + # liście, które trenujemy: w i b
# - f"{d['name']}: value mean {number(value['mean'], '+.3f')}"
# + f"{d['name']}: średnia wartość {number(value['mean'], '+.3f')}"
# - f" ({value['zero_frac']:.0%} zeros) | gradient norm {number(grad['norm'], '.3f')}"
# + f" ({value['zero_frac']:.0%} zer) | norma gradientu {number(grad['norm'], '.3f')}"
# - # numbers as the language writes them: [0.5, 1.5] in English
# + # liczby tak, jak zapisuje się je w danym języku: po polsku [0,5; 1,5]
# - ", ".join(number(v, spec)
# + "; ".join(number(v, spec)
# - print("gradient norm of w in epochs 1-5:",
# + print("norma gradientu w, epoki 1-5:",
# - print("health:", finding["message"])
# + print("diagnoza:", finding["message"])
# - f"this pass alone: gradient norm of w {number(w_grad_now.norm(), '.3f')}"
# + f"samo to przejście: norma gradientu w {number(w_grad_now.norm(), '.3f')}"
# - # not in w.grad
# + # nie trafia do w.grad
# - f"step(): b changed by {b_change_text}, gradient descent says {b_expected_text}"
# + f"step(): b zmieniło się o {b_change_text}, a według spadku gradientu powinno o {b_expected_text}"
# - f"w.grad after zero_grad(): {listed(w.grad.flatten(), 'g')}"
# + f"w.grad po zero_grad(): {listed(w.grad.flatten(), 'g')}"
# - # the weights of the best epoch, in a copy
# + # wagi najlepszej epoki, w kopii
# - # one loss per point, not their mean
# + # strata każdego punktu, nie ich średnia
# - f"epoch {mon_linear.best.epoch} (best) -> epoch {mon_linear.epoch}"
# + f"epoka {mon_linear.best.epoch} (najlepsza) -> epoka {mon_linear.epoch}"
# - f"{span}: validation loss {mean_best} -> {mean_now}"
# + f"{span}: strata walidacyjna {mean_best} -> {mean_now}"
# - f"validation points with a lower loss now: {int((~worse).sum())} of {len(y_val)}"
# + f"punkty walidacyjne, które mają teraz niższą stratę: {int((~worse).sum())} z {len(y_val)}"
# - f"with a higher loss: {int(worse.sum())}, on the wrong side: {int((worse & wrong).sum())}"
# + f"z wyższą stratą: {int(worse.sum())}, w tym po złej stronie: {int((worse & wrong).sum())}"
# - f"validation accuracy: {number(acc_best, '.3f')} -> {number(acc_now, '.3f')}"
# + f"dokładność walidacyjna: {number(acc_best, '.3f')} -> {number(acc_now, '.3f')}"
# - print(n_params, "parameters")
# + print(n_params, "parametrów")
# - # the same starting weights
# + # te same wagi początkowe
# - label=f"{name} training")
# + label=f"{name}, trening")
# - label=f"{name} validation")
# + label=f"{name}, walidacja")
# - xlabel="epoch"
# + xlabel="epoka"
# - title="loss")
# + title="strata")
# - title="accuracy")
# + title="dokładność")
# - plt.title("2-10-1 network trained with Adam")
# + plt.title("sieć 2-10-1 trenowana optymalizatorem Adam")
# - print(f"test accuracy: {number(test_acc, '.2f')}")
# + print(f"dokładność testowa: {number(test_acc, '.2f')}")
# - # format(x, ".3f") as the language writes it: 0,5 in Polish
# + # format(x, ".3f") tak, jak zapisuje się liczby w danym języku: 0,5 po polsku
