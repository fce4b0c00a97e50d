# Polish text of demos/src/01_tensors_autograd.py (see scripts/build_demos.py): its markdown cells
# in order, then the strings of its code that a student reads.

# %% [markdown]
# # 1. Tensory i autograd
#
# Do trenowania sieci potrzebne są dwie rzeczy:
#
# 1. operacje na tensorach (NumPy je ma),
# 2. gradient dowolnego wyrażenia (NumPy go nie ma).
#
# PyTorch podczas obliczeń zapisuje **graf obliczeniowy**, a potem przechodzi po nim wstecz i liczy
# za nas każdy gradient, na CPU albo na GPU. nngraph rysuje ten graf.

# %% [markdown]
# ## Tensory
#
# Tensor to n-wymiarowa tablica na urządzeniu. Operacje działają element po elemencie, a
# **broadcasting** (rozgłaszanie) rozciąga mniejszy tensor do rozmiaru większego. Metoda, której
# nazwa kończy się na `_`, zmienia tensor w miejscu (in-place).

# %% [markdown]
# ## Graf obliczeniowy
#
# $c = \mathrm{mean}\left(\sqrt{a^2 + b^2}\right)$. `requires_grad=True` każe PyTorchowi zapisywać,
# co dzieje się z `a` i `b`. Magiczne polecenie komórki `%%nngraph` nagrywa komórkę (przejście w
# przód i wstecz) i rysuje graf: dane płyną od `a` i `b` (wejścia) do `c` (wyjście). Liście,
# które wymagają gradientu, to to, czego model się uczy, więc podsumowanie liczy ich 6 liczb
# jako parametry.

# %% [markdown]
# Wywołanie `c.backward()` wypełniło `a.grad` i `b.grad`. Ręcznie:
# $\frac{\partial c}{\partial a_i} = \frac{a_i}{3\sqrt{a_i^2 + b_i^2}}$.

# %% [markdown]
# ## Gradient w każdym węźle
#
# Przejście wstecz liczy gradient `c` względem *każdego* węzła po drodze, nie tylko względem
# wejść. nngraph zachowuje te gradienty razem z wartościami (tu pokazane są średnie: `a` to wejście
# o średniej 2, `b` to wejście o średniej 5).

# %% [markdown]
# ## Gradienty się sumują
#
# `backward()` **dodaje** do `.grad`. Po przejściu wstecz PyTorch zwalnia graf, więc drugie
# przejście wymaga `retain_graph=True` w pierwszym. Zerujemy gradient przez `grad.zero_()`.

# %% [markdown]
# ## Wyjście wektorowe: iloczyn wektora i macierzy Jacobiego
#
# Dla wektora `y` wywołanie `y.backward(v)` liczy $v^\top J$ (tu $v_i b_i$ dla `a`), bez budowania
# całej macierzy Jacobiego $J$. Wektor stoi na początku, więc PyTorch nazywa to iloczynem wektora
# i macierzy Jacobiego (**vector-Jacobian product**). Komórka najpierw zeruje gradienty, bo
# `backward` do nich dodaje.

# %% [markdown]
# ## Spadek gradientu
#
# Minimalizujemy $f(x) = (x_1 - 3)^2 + (x_2 + 2)^2$: zaczynamy w punkcie $(0, 0)$ i robimy kroki
# w kierunku przeciwnym do gradientu, $x \leftarrow x - \eta \nabla f(x)$. Minimum leży w punkcie
# $(3, -2)$.

# %% [strings]
# - # the one place the device is chosen: a GPU if there is one
# + # jedyne miejsce wyboru urządzenia: GPU, jeśli jest
# - # tiny models: more CPU threads cost more time than they save
# + # małe modele: więcej wątków CPU kosztuje więcej czasu, niż oszczędza
# - "| device:"
# + "| urządzenie:"
# - # a is used for every row of m
# + # a jest użyte dla każdego wiersza m
# - # in place: a itself changes
# + # w miejscu (in-place): zmienia się samo a
# - print("by hand     ",
# + print("ręcznie     ",
# - f"{d['label']:>7}  shape {d['shape']!s:4}  value mean {value}  gradient mean {grad}"
# + f"{d['label']:>7}  kształt {d['shape']!s:4}  średnia wartości {value}  średnia gradientu {grad}"
# - # keep the graph for one more pass
# + # zachowaj graf na jeszcze jedno przejście
# - # the same gradient is added again
# + # ten sam gradient dodaje się jeszcze raz
# - print("after 1 pass: ", first_grad)
# + print("po 1 przejściu:  ", first_grad)
# - print("after 2 passes:", second_grad)
# + print("po 2 przejściach:", second_grad)
# - # the graph was freed by the last pass
# + # poprzednie przejście zwolniło graf
# - print("third pass:",
# + print("trzecie przejście:",
# - print("after zero_():  ", a.grad)
# + print("po zero_():      ", a.grad)
# - # the update itself must not be recorded
# + # samej aktualizacji nie wolno zapisywać w grafie
# - # f at the x we print, after the last step
# + # f w wypisywanym x, po ostatnim kroku
# - print(f"after 50 steps: x1 =
# + print(f"po 50 krokach: x1 =
# - # format(x, ".4f") as the language writes it: 0,5 in Polish
# + # format(x, ".4f") tak, jak zapisuje się liczby w danym języku: 0,5 po polsku
# - plt.title("gradient descent from (0, 0)")
# + plt.title("spadek gradientu z punktu (0, 0)")
