# Polish text of demos/src/02_linear_regression.py (see scripts/build_demos.py): its markdown cells
# in order, then the strings of its code that a student reads.

# %% [markdown]
# # 2. Regresja liniowa na niskim poziomie
#
# 120 zaszumionych punktów prostej $y = 2x + 0{,}9$. Model to $\hat y = wx + b$ z dwoma parametrami,
# funkcja straty to błąd średniokwadratowy. Zaczynamy od złej wartości początkowej, $w = 100$, a
# spadek gradientu znajduje $w \approx 2$, $b \approx 0{,}9$: najpierw z aktualizacją napisaną
# ręcznie, potem z `torch.optim.SGD`. To **niskopoziomowe API** PyTorcha: tensory, autograd i pętla
# treningowa, którą piszemy sami. Daje ono pełną kontrolę nad każdym krokiem, a tego potrzebują
# badania i nowe pomysły (nowa warstwa, funkcja straty czy sztuczka treningowa).

# %% [markdown]
# ## Jeden krok jako graf
#
# W grafie straty oba parametry są liśćmi. Po `backward()` każdy z nich ma swój gradient: $w$ jest
# o wiele za duże, więc jego gradient jest duży i dodatni.
#
# `ng.graph_of` odczytuje po fakcie graf, który autograd zbudował dla `backward()`. Ten graf zawiera
# tylko to, do czego płynie gradient: nie ma w nim danych `x` i `y`. Tylko liście grafu zachowują
# swój gradient (`.grad`), więc pozostałe węzły go nie pokazują ("-"). Kolumna Typ w podsumowaniu
# podaje węzeł, który przejście wstecz wykonuje dla każdej operacji (`MulBackward0` dla `mul`), a
# dla każdego liścia `AccumulateGrad`, który dodaje gradient do jego `.grad`. Komórka `%%nngraph`
# z demo 1 i `ng.record()` z demo 4 obserwują obliczenia w trakcie ich wykonywania i pokazują dane
# oraz gradient każdego węzła.

# %% [markdown]
# ## Aktualizacja napisana ręcznie
#
# $w \leftarrow w - \eta\,\partial L/\partial w$, to samo dla $b$, potem zerujemy gradienty
# (sumują się). `ng.Monitor` rysuje na żywo stratę, a tu także $w$ i $b$: każda epoka zapisuje
# swoją stratę razem z $w$ i $b$, które ją dały (ich wartościami sprzed aktualizacji), więc krzywa
# $w$ zaczyna się od 100. Komórka tworzy $w$ i $b$ od nowa, więc uruchomiona ponownie znów zaczyna
# od $w = 100$, $b = 0$. Przycisk Zatrzymaj w widoku działa, bo pętla czyta `by_hand.should_stop`.

# %% [markdown]
# ## To samo z `torch.optim.SGD`
#
# Optymalizator wykonuje za nas aktualizację (`step()`) i zerowanie (`zero_grad()`). Ten sam
# punkt startowy, ten sam współczynnik uczenia: te same liczby.

# %% [strings]
# - # the one place the device is chosen: a GPU if there is one
# + # jedyne miejsce wyboru urządzenia: GPU, jeśli jest
# - # tiny models: more CPU threads cost more time than they save
# + # małe modele: więcej wątków CPU kosztuje więcej czasu, niż oszczędza
# - # 120 points of y = 2x + 0.9 + noise, on `device`
# + # 120 punktów y = 2x + 0.9 + szum, na `device`
# - print(f"{d['name']}: value {value}   gradient {grad}")
# + print(f"{d['name']}: wartość {value}   gradient {grad}")
# - name="by hand"
# + name="ręcznie"
# - # no validation set here
# + # tu nie ma zbioru walidacyjnego
# - # the w and b that gave this loss
# + # w i b, które dały tę stratę
# - print(f"epoch {epoch}: loss {loss_text}
# + print(f"epoka {epoch}: strata {loss_text}
# - # the update is not part of the model: do not record it
# + # aktualizacja nie jest częścią modelu: nie zapisujemy jej w grafie
# - # the Stop button (or a detector) ends the loop here
# + # przycisk Zatrzymaj (albo detektor) kończy tu pętlę
# - # the loss of the final w and b
# + # strata końcowych w i b
# - print(f"by hand:    w = {w_text}, b = {b_text}, loss = {loss_text}")
# + print(f"ręcznie:    w = {w_text}, b = {b_text}, strata = {loss_text}")
# - # before step(), as above
# + # przed step(), jak wyżej
# - print(f"optim.SGD:  w = {w_text}, b = {b_text}, loss = {loss_text}")
# + print(f"optim.SGD:  w = {w_text}, b = {b_text}, strata = {loss_text}")
# - # the same bad start as above
# + # ten sam zły punkt startowy co wyżej
# - # format(x, ".3f") as the language writes it: 0,5 in Polish
# + # format(x, ".3f") tak, jak zapisuje się liczby w danym języku: 0,5 po polsku
# - label="data")
# + label="dane")
# - plt.title("the fitted line")
# + plt.title("dopasowana prosta")
