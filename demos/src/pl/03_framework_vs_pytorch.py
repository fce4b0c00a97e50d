# Polish text of demos/src/03_framework_vs_pytorch.py (see scripts/build_demos.py): its markdown
# cells in order, then the strings of its code that a student reads.

# %% [markdown]
# # 3. Nasz własny framework obok PyTorcha
#
# Ostatnio napisaliśmy w NumPy mały framework: każda warstwa ma `forward` i napisany ręcznie
# `backward`. Oto on znowu, trenowany jako Linear(2, 10) - Tanh - Linear(10, 2) - Softmax na
# problemie dwuklasowym. Potem budujemy tę samą sieć w PyTorchu, w którym autograd pisze za nas
# każdy `backward`, i sprawdzamy, czy obie dają te same gradienty.

# %% [markdown]
# ## Framework w NumPy
#
# Każda metoda `backward(dy)` dostaje $\partial L/\partial y$ (gradient na wyjściu warstwy) i zwraca
# $\partial L/\partial x$ (gradient na jej wejściu); `Linear` zachowuje też gradienty swoich
# parametrów.

# %% [markdown]
# ## Ta sama sieć w PyTorchu
#
# Te same warstwy, te same wagi początkowe (skopiowane; PyTorch przechowuje `W` w postaci
# transponowanej), float64 jak w NumPy. Piszemy tylko przejście w przód. Komórka `%%nngraph` nagrywa
# je razem z przejściem wstecz. Na grafie `x` i `y` to wejścia i wartości docelowe; węzły operacji
# `t` to transpozycje: `nn.Linear` liczy $xW^T + b$.

# %% [markdown]
# ## Sprawdzenie gradientów
#
# Wykonujemy jedno przejście w przód i wstecz naszym frameworkiem, a potem porównujemy gradient
# każdego parametru z tym, który policzył autograd. Normy gradientów zapisane przez nngraph w grafie
# też się zgadzają.

# %% [markdown]
# ## Trenujemy obie sieci
#
# 200 kroków zwykłego spadku gradientu dla każdej: obie sieci pozostają identyczne.

# %% [strings]
# - # the one place the device is chosen: a GPU if there is one
# + # jedyne miejsce wyboru urządzenia: GPU, jeśli jest
# - # tiny models: more CPU threads cost more time than they save
# + # małe modele: więcej wątków CPU kosztuje więcej czasu, niż oszczędza
# - # run again, the cell gives the same gradients, not their sum
# + # uruchomiona ponownie, komórka daje te same gradienty, a nie ich sumę
# - # make_classification, 70 / 15 / 15 points
# + # make_classification, 70 / 15 / 15 punktów
# - # NumPy works on the CPU only
# + # NumPy działa tylko na CPU
# - # the targets: class 0 or 1
# + # wartości docelowe: klasa 0 albo 1
# - = data.y_train  # the targets
# + = data.y_train  # wartości docelowe
# - print(f"loss: NumPy {number(numpy_loss, '.10f')}
# + print(f"strata: NumPy {number(numpy_loss, '.10f')}
# - f"norm: NumPy {number(numpy_norm, '.6f')}, graph {number(nngraph_norm, '.6f')}"
# + f"norma: NumPy {number(numpy_norm, '.6f')}, graf {number(nngraph_norm, '.6f')}"
# - print(f"NumPy:   loss {number(numpy_loss, '.8f')}, training accuracy
# + print(f"NumPy:   strata {number(numpy_loss, '.8f')}, dokładność treningowa
# - print(f"PyTorch: loss {number(loss, '.8f')}, training accuracy
# + print(f"PyTorch: strata {number(loss, '.8f')}, dokładność treningowa
# - # format(x, ".6f") as the language writes it: 0,5 in Polish
# + # format(x, ".6f") tak, jak zapisuje się liczby w danym języku: 0,5 po polsku
