"""A run that oscillates (a learning rate or momentum too high: the validation loss swings up
and down, again and again) is told so by GL, with what to do, instead of "no sign of memorising
yet" or "memorising" at each swing; runs that only look jagged (a small noisy validation set,
dropout, overfitting, one spike and its recovery, a plateau, ordinary small-data runs that
converged or memorised) are not.

Every curve is a real run (small MLPs, nngraph.datasets, torch.manual_seed(0)), rounded to 4
digits; the training loss is measured on the whole training set after each epoch.
"""

from __future__ import annotations

import pytest

import nngraph as ng
from nngraph.monitor import Monitor
from nngraph.monitor._gl_reading import MEMORISING
from nngraph.monitor._oscillation import (
    SWINGS,
    WINDOW,
    Oscillation,
    count_swings,
    memorised_or_fitted,
)
from nngraph.monitor.detectors import GL

LR2_TRAIN = [
    0.3746, 0.3634, 0.3826, 0.4058, 0.4755, 0.4504, 0.4416, 0.3644, 0.3387, 0.3256, 0.3205,
    0.3169, 0.3139, 0.3111, 0.3083, 0.3055, 0.3025, 0.2994, 0.2962, 0.293, 0.2896, 0.2862,
    0.2827, 0.2794, 0.276, 0.2725, 0.2692, 0.2657, 0.2623, 0.2589, 0.2554, 0.252, 0.2486,
    0.2452, 0.2418, 0.2385, 0.2353, 0.2321, 0.229, 0.226, 0.2233, 0.2209, 0.2197, 0.2191,
    0.2238, 0.2265, 0.2517, 0.2397, 0.2786, 0.2315, 0.2397, 0.2134, 0.2145, 0.2041, 0.2061,
    0.1989, 0.2014, 0.1957, 0.1991, 0.1929, 0.1967, 0.1916, 0.1972, 0.1903, 0.1964, 0.1892,
]  # fmt: skip

LR2_VAL = [
    0.343, 0.378, 0.3241, 0.4502, 0.3846, 0.506, 0.3601, 0.3782, 0.2983, 0.3223, 0.2955,
    0.3091, 0.2946, 0.3017, 0.2924, 0.296, 0.2893, 0.2906, 0.2852, 0.285, 0.2807, 0.2796,
    0.2759, 0.2749, 0.2707, 0.2698, 0.2657, 0.2646, 0.2609, 0.2593, 0.2551, 0.2548, 0.2501,
    0.2509, 0.2456, 0.248, 0.2409, 0.2458, 0.2362, 0.2449, 0.2306, 0.2484, 0.2228, 0.2596,
    0.2148, 0.2884, 0.2187, 0.3205, 0.2286, 0.3048, 0.2095, 0.2764, 0.2028, 0.2665, 0.2007,
    0.2626, 0.1995, 0.2633, 0.1979, 0.2635, 0.197, 0.2682, 0.1953, 0.2706, 0.1944, 0.2736,
]  # fmt: skip

MOMENTUM_TRAIN = [
    0.5816, 0.3187, 0.218, 0.2168, 0.2039, 0.09022, 0.1611, 0.1024, 0.06357, 0.1102, 0.03906,
    0.08222, 0.03346, 0.06, 0.02816, 0.0533, 0.03185, 0.04218, 0.02445, 0.03206,
]  # fmt: skip

MOMENTUM_VAL = [
    0.6379, 0.3896, 0.2768, 0.2616, 0.2832, 0.13, 0.1706, 0.1233, 0.1125, 0.1681, 0.1178,
    0.1385, 0.1437, 0.1831, 0.1495, 0.1317, 0.1318, 0.1725, 0.1492, 0.1153,
]  # fmt: skip

NOISY_TRAIN = [
    0.3813, 0.3465, 0.3376, 0.3335, 0.331, 0.3304, 0.3281, 0.3272, 0.3251, 0.3235, 0.3219,
    0.3202, 0.3197, 0.317, 0.3162, 0.3133, 0.3113, 0.311, 0.3072, 0.3055, 0.3033, 0.3006,
    0.2984, 0.2966, 0.2935, 0.2904, 0.2883, 0.2858, 0.2829, 0.2792, 0.2761, 0.2732, 0.27,
    0.2682, 0.2654, 0.2609, 0.258, 0.2548, 0.2596, 0.2491, 0.2465, 0.243, 0.2403, 0.2371,
    0.2343, 0.2313, 0.2287, 0.2276, 0.2242, 0.2224, 0.2189, 0.2162, 0.2143, 0.2128, 0.2112,
    0.2083, 0.2057, 0.204, 0.2028, 0.2023, 0.1984, 0.1987, 0.1949, 0.1947, 0.1926, 0.1922,
    0.1914, 0.1877, 0.187, 0.1848, 0.1838, 0.1824, 0.1811, 0.18, 0.1792, 0.1784, 0.1779, 0.176,
    0.1751, 0.1763, 0.1758, 0.1737, 0.1726, 0.1714, 0.1705, 0.1705, 0.1693, 0.169, 0.1677,
    0.1671, 0.167, 0.1661, 0.1672, 0.1682, 0.1655, 0.1638, 0.1637, 0.1633, 0.1628, 0.1622,
    0.1619, 0.1613, 0.1607, 0.1605, 0.1599, 0.161, 0.1601, 0.1618, 0.1591, 0.1581,
]  # fmt: skip

NOISY_VAL = [
    0.3705, 0.3289, 0.3214, 0.3243, 0.3166, 0.3121, 0.3134, 0.3101, 0.3113, 0.311, 0.3089,
    0.3089, 0.3023, 0.3096, 0.3136, 0.3057, 0.2995, 0.3116, 0.2977, 0.3022, 0.2909, 0.2915,
    0.2921, 0.284, 0.2837, 0.2845, 0.279, 0.2752, 0.2726, 0.2733, 0.2749, 0.2683, 0.2673,
    0.276, 0.2566, 0.2616, 0.257, 0.259, 0.2848, 0.2572, 0.2574, 0.2528, 0.2528, 0.2433,
    0.2485, 0.2438, 0.2418, 0.2305, 0.2445, 0.228, 0.2397, 0.2323, 0.2272, 0.2414, 0.2429,
    0.2381, 0.2317, 0.2342, 0.2374, 0.2157, 0.2241, 0.2141, 0.2246, 0.2143, 0.2155, 0.2401,
    0.2423, 0.217, 0.2145, 0.227, 0.2161, 0.2182, 0.2202, 0.2254, 0.2281, 0.2142, 0.2324,
    0.2201, 0.2242, 0.2087, 0.2073, 0.2111, 0.2117, 0.2248, 0.2161, 0.2305, 0.2257, 0.2264,
    0.2187, 0.2205, 0.23, 0.2181, 0.2397, 0.2473, 0.2363, 0.223, 0.2162, 0.2176, 0.2307,
    0.2324, 0.2176, 0.2177, 0.2213, 0.2189, 0.228, 0.2435, 0.2412, 0.2519, 0.239, 0.2222,
]  # fmt: skip

OVERFIT_TRAIN = [
    0.6234, 0.5863, 0.5665, 0.5472, 0.5148, 0.4858, 0.4757, 0.4414, 0.4404, 0.4097, 0.4075,
    0.3988, 0.3858, 0.3759, 0.3629, 0.3485, 0.3427, 0.3268, 0.3196, 0.31, 0.2996, 0.2889,
    0.2782, 0.2704, 0.2599, 0.2519, 0.2438, 0.2321, 0.2251, 0.2149, 0.2062, 0.1974, 0.1899,
    0.1819, 0.1719, 0.1643, 0.1563, 0.1484, 0.1406, 0.1311, 0.1229, 0.118, 0.1109, 0.1021,
    0.09464, 0.09008, 0.08452, 0.07805, 0.07207, 0.06722, 0.06272, 0.05885, 0.05539, 0.05343,
    0.05718, 0.04676, 0.04047, 0.03794, 0.03702, 0.03529, 0.02983, 0.02945, 0.02924, 0.02366,
    0.02407, 0.02378, 0.01887, 0.01959, 0.01867, 0.01542, 0.0155, 0.01416, 0.01313, 0.01317,
    0.0115, 0.01105, 0.01011, 0.00963, 0.009502, 0.008541, 0.008219, 0.007751, 0.007483,
    0.007118, 0.006645, 0.006416, 0.005883, 0.005665, 0.005325, 0.005195, 0.004851, 0.004672,
    0.004477, 0.004325, 0.004069, 0.003935, 0.003771, 0.003636, 0.003526, 0.003412,
]  # fmt: skip

OVERFIT_VAL = [
    0.5731, 0.4401, 0.3791, 0.4617, 0.4126, 0.3079, 0.2701, 0.2824, 0.3187, 0.2461, 0.1995,
    0.195, 0.2239, 0.2575, 0.233, 0.1934, 0.1904, 0.1943, 0.2183, 0.2393, 0.216, 0.1749,
    0.1747, 0.2106, 0.1973, 0.166, 0.1695, 0.1788, 0.1843, 0.1706, 0.1619, 0.1771, 0.1935,
    0.1723, 0.187, 0.2102, 0.1864, 0.2021, 0.2221, 0.2119, 0.2218, 0.2314, 0.2247, 0.2296,
    0.245, 0.2465, 0.2673, 0.2671, 0.273, 0.2751, 0.2858, 0.3106, 0.2828, 0.3489, 0.2705,
    0.3705, 0.3186, 0.3216, 0.3814, 0.3119, 0.3628, 0.403, 0.3381, 0.3938, 0.4381, 0.3729,
    0.4199, 0.4553, 0.3985, 0.4395, 0.4866, 0.4393, 0.4513, 0.5067, 0.4727, 0.4633, 0.5017,
    0.4997, 0.4738, 0.4947, 0.5177, 0.4986, 0.4977, 0.5241, 0.5183, 0.5004, 0.5142, 0.5366,
    0.5283, 0.5163, 0.5274, 0.5399, 0.5345, 0.5292, 0.5379, 0.5458, 0.544, 0.5395, 0.5416,
    0.5512,
]  # fmt: skip

DROPOUT_TRAIN = [
    0.9968, 0.8861, 0.7585, 0.6112, 0.4566, 0.3231, 0.2305, 0.1669, 0.1251, 0.09602, 0.07582,
    0.0624, 0.05312, 0.0447, 0.03887, 0.03432, 0.03042, 0.02684, 0.02461, 0.02266, 0.02038,
    0.01663, 0.01569, 0.01527, 0.01454, 0.01255, 0.01045, 0.009085, 0.008302, 0.007263,
    0.00672, 0.006512, 0.006664, 0.005349, 0.004987, 0.004928, 0.004525, 0.003948, 0.003647,
    0.003245, 0.002973, 0.002851, 0.00302, 0.003103, 0.002602, 0.002128, 0.001983, 0.001888,
    0.001956, 0.001744, 0.001657, 0.001755, 0.001806, 0.001666, 0.00164, 0.001432, 0.001317,
    0.001199, 0.001069, 0.001102, 0.001082, 0.001052, 0.0009695, 0.0008815, 0.0008269,
    0.0008338, 0.0008221, 0.0008296, 0.0008148, 0.0007439, 0.0007253, 0.0006851, 0.000618,
    0.0005746, 0.0005179, 0.0005572, 0.000559, 0.000553, 0.0005868, 0.0005902, 0.0004949,
    0.0004429, 0.0004232, 0.0003673, 0.000347, 0.0003199, 0.0003156, 0.0003134, 0.0003023,
    0.0003155, 0.0003335, 0.0004482, 0.0002854, 0.0003458, 0.0003904, 0.0003858, 0.0003128,
    0.0002503, 0.0002367, 0.0002554, 0.00025, 0.0001976, 0.0001813, 0.0001736, 0.0001781,
    0.0001773, 0.0001746, 0.000167, 0.0001629, 0.0001512,
]  # fmt: skip

DROPOUT_VAL = [
    0.9953, 0.8929, 0.7763, 0.6374, 0.4911, 0.3595, 0.2687, 0.1916, 0.1387, 0.1046, 0.07821,
    0.05956, 0.04809, 0.04058, 0.0338, 0.0281, 0.02337, 0.01941, 0.01535, 0.01325, 0.01209,
    0.01124, 0.01012, 0.008631, 0.007002, 0.006417, 0.006457, 0.006287, 0.005278, 0.005282,
    0.005952, 0.00446, 0.003986, 0.00393, 0.003705, 0.00344, 0.00321, 0.003054, 0.00281,
    0.003065, 0.002866, 0.00237, 0.001912, 0.001615, 0.00163, 0.001997, 0.002189, 0.001981,
    0.00145, 0.0015, 0.00157, 0.002373, 0.002564, 0.0023, 0.002255, 0.001717, 0.002127,
    0.002452, 0.001687, 0.001282, 0.001246, 0.001182, 0.001178, 0.001152, 0.001072, 0.0007894,
    0.0007333, 0.0006701, 0.000625, 0.000613, 0.0006168, 0.000634, 0.0006654, 0.0006081,
    0.0006049, 0.0005663, 0.0005426, 0.0004867, 0.0004194, 0.0003869, 0.0003939, 0.0003878,
    0.0003793, 0.0004199, 0.0003992, 0.0004829, 0.0005759, 0.0006587, 0.0006597, 0.0007266,
    0.0007391, 0.0009597, 0.0006431, 0.0003826, 0.0003224, 0.000303, 0.0003047, 0.0003518,
    0.0003402, 0.0003142, 0.0003171, 0.0004168, 0.000448, 0.0005501, 0.0009691, 0.001024,
    0.001153, 0.001262, 0.001343, 0.001255,
]  # fmt: skip

SPIKE_TRAIN = [
    0.7175, 0.5977, 0.4863, 0.4086, 0.3648, 0.3452, 0.3404, 0.3437, 0.351, 0.3597, 0.3681,
    0.3751, 0.3801, 0.3827, 0.3828, 0.3806, 0.3764, 0.3707, 0.3639, 0.3565, 0.349, 0.3418,
    0.3354, 0.3301, 0.326, 0.3231, 0.3212, 0.3201, 0.3196, 0.4558, 0.7274, 1.017, 1.276, 1.477,
    1.604, 1.657, 1.642, 1.571, 1.457, 1.311, 1.144, 0.9631, 0.782, 0.6162, 0.4771, 0.3721,
    0.3326, 0.3828, 0.4685, 0.5159, 0.4226, 0.2714, 0.2065, 0.2023, 0.2151, 0.2301, 0.2428,
    0.2529, 0.2602, 0.2614, 0.2519, 0.2342, 0.2166, 0.2041, 0.1962, 0.1898, 0.1834, 0.1775,
    0.1737, 0.172, 0.1705, 0.1676, 0.1641, 0.1615, 0.1608, 0.1613, 0.1619, 0.1623, 0.1614,
    0.1594, 0.1566, 0.1539, 0.1516, 0.1503, 0.1497, 0.1495, 0.1492, 0.149, 0.1489, 0.149,
    0.1488, 0.1482, 0.1472, 0.1461, 0.1455, 0.1453, 0.1453, 0.1453, 0.1451, 0.1448,
]  # fmt: skip

SPIKE_VAL = [
    0.7259, 0.5963, 0.4762, 0.3934, 0.3482, 0.3291, 0.3257, 0.3303, 0.3385, 0.3473, 0.3554,
    0.3617, 0.3659, 0.3677, 0.367, 0.3643, 0.3597, 0.3537, 0.3468, 0.3396, 0.3325, 0.3258,
    0.3201, 0.3155, 0.3123, 0.3102, 0.3091, 0.3086, 0.3083, 0.3866, 0.5999, 0.8331, 1.049,
    1.223, 1.336, 1.392, 1.389, 1.334, 1.234, 1.109, 0.9712, 0.8239, 0.6776, 0.5429, 0.4417,
    0.4011, 0.431, 0.5368, 0.6172, 0.5912, 0.4703, 0.3129, 0.232, 0.2281, 0.2528, 0.2822,
    0.3101, 0.3367, 0.3589, 0.3697, 0.3609, 0.3348, 0.3042, 0.2789, 0.2633, 0.2579, 0.2626,
    0.2749, 0.2912, 0.3059, 0.3136, 0.3124, 0.3046, 0.2946, 0.2866, 0.2811, 0.2764, 0.2749,
    0.2746, 0.2772, 0.2833, 0.2922, 0.3024, 0.3126, 0.3202, 0.3232, 0.3203, 0.3127, 0.3031,
    0.2943, 0.2881, 0.2856, 0.2869, 0.2917, 0.2986, 0.3055, 0.311, 0.3142, 0.3146, 0.3126,
]  # fmt: skip

PLATEAU_TRAIN = [
    0.6665, 0.6532, 0.6367, 0.6192, 0.6011, 0.5822, 0.5616, 0.5396, 0.516, 0.4912, 0.4657,
    0.4398, 0.4132, 0.3855, 0.356, 0.3238, 0.2895, 0.2546, 0.2211, 0.1911, 0.1659, 0.146,
    0.1306, 0.1186, 0.1091, 0.1016, 0.09564, 0.09079, 0.08678, 0.08328, 0.08022, 0.07753,
    0.07515, 0.07303, 0.07114, 0.06943, 0.06789, 0.06639, 0.06508, 0.06384, 0.06266, 0.06153,
    0.06046, 0.05944, 0.05848, 0.05756, 0.05667, 0.05583, 0.05502, 0.05425, 0.05351, 0.05281,
    0.0521, 0.05141, 0.05076, 0.05027, 0.04984, 0.04944, 0.04908, 0.04871, 0.04834, 0.04797,
    0.04759, 0.04721, 0.04684, 0.04649, 0.04615, 0.04581, 0.04547, 0.04514, 0.04482, 0.04449,
    0.04418, 0.04386, 0.04356, 0.04327, 0.04297, 0.04267, 0.04237, 0.04209, 0.04181, 0.04154,
    0.04126, 0.04099, 0.04072, 0.04045, 0.04018, 0.03992, 0.03966, 0.03941, 0.03915, 0.0389,
    0.03865, 0.03841, 0.03815, 0.0379, 0.03765, 0.0374, 0.03716, 0.03691,
]  # fmt: skip

PLATEAU_VAL = [
    0.6562, 0.6408, 0.6219, 0.6007, 0.5775, 0.5542, 0.5303, 0.5048, 0.4774, 0.449, 0.4204,
    0.3921, 0.364, 0.3358, 0.3069, 0.2764, 0.244, 0.2113, 0.1797, 0.1511, 0.1268, 0.1069,
    0.09137, 0.07871, 0.06872, 0.06097, 0.05512, 0.05085, 0.04782, 0.04562, 0.0442, 0.04338,
    0.04289, 0.04266, 0.04262, 0.04273, 0.04296, 0.04328, 0.04367, 0.04407, 0.04445, 0.04479,
    0.04508, 0.0453, 0.04546, 0.04555, 0.04557, 0.04552, 0.04541, 0.04524, 0.04503, 0.04478,
    0.04452, 0.04426, 0.044, 0.04385, 0.04378, 0.04383, 0.04403, 0.04435, 0.0448, 0.04494,
    0.04506, 0.04523, 0.04546, 0.04572, 0.04601, 0.04633, 0.04666, 0.04699, 0.04731, 0.04763,
    0.04794, 0.04823, 0.04851, 0.04868, 0.04877, 0.04877, 0.0487, 0.04866, 0.04865, 0.0487,
    0.04878, 0.04888, 0.049, 0.04914, 0.0493, 0.04948, 0.04959, 0.04965, 0.04966, 0.04964,
    0.04965, 0.04969, 0.04977, 0.04988, 0.05002, 0.05018, 0.05028, 0.05033,
]  # fmt: skip

STEADY_TRAIN = [
    0.1239, 0.121, 0.1178, 0.1015, 0.1001, 0.1013, 0.1041, 0.09798, 0.09514, 0.09017,
]  # fmt: skip

STEADY_VAL = [
    0.3599, 0.2467, 0.3677, 0.3701, 0.2885, 0.2833, 0.4141, 0.3066, 0.2929, 0.4034,
]  # fmt: skip

# Ordinary Iris runs (3-layer MLP, Adam at 1e-2, batches of 16, 100 epochs, the training loss the
# mean over the epoch's batches) that the first rule called oscillating, first epochs only.
# Converged: 15 validation points, the validation loss 0.0017 to 0.02, the training loss ~30
# times above it ("oscillating" at epochs 14 and 18).
CONVERGED_TRAIN = [
    0.8516, 0.4175, 0.2408, 0.1456, 0.09338, 0.07511, 0.0877, 0.08024, 0.07434, 0.07105,
    0.06185, 0.05375, 0.06496, 0.06619, 0.05938, 0.04654, 0.0575, 0.05211, 0.06845, 0.04402,
]  # fmt: skip

CONVERGED_VAL = [
    0.482, 0.1828, 0.07561, 0.05754, 0.01908, 0.01963, 0.003753, 0.01365, 0.002314, 0.006291,
    0.002164, 0.00232, 0.001709, 0.003312, 0.001651, 0.002426, 0.001429, 0.001554, 0.001733,
    0.001099,
]  # fmt: skip

# Memorised: 15 validation points, dropout 0.3, the training loss 0.04 to 0.08 against a
# validation loss of 0.21 to 0.76 ("memorising" at epoch 18, then "oscillating" at epoch 20).
MEMORISED_TRAIN = [
    0.8451, 0.4511, 0.3364, 0.2274, 0.1375, 0.1339, 0.1482, 0.08412, 0.06828, 0.0434, 0.03987,
    0.04887, 0.05662, 0.03907, 0.08217, 0.07904, 0.06048, 0.06292, 0.03712, 0.05767, 0.04662,
    0.04927,
]  # fmt: skip

MEMORISED_VAL = [
    0.6553, 0.5201, 0.4735, 0.307, 0.4034, 0.2341, 0.5988, 0.3306, 0.4665, 0.4448, 0.4896,
    0.417, 0.7221, 0.279, 0.2488, 0.7586, 0.2138, 0.3022, 0.4657, 0.2897, 0.5632, 0.4247,
]  # fmt: skip

# A slow rise: 30 validation points zigzag up from 0.064 to 0.15 beside a flat training loss
# of 0.03 to 0.05 ("memorising" at epoch 28, "corrected" to "oscillating" at epoch 33).
RISING_TRAIN = [
    0.9422, 0.5741, 0.3153, 0.1957, 0.1447, 0.09445, 0.09189, 0.06813, 0.06732, 0.05724,
    0.04302, 0.06253, 0.09079, 0.05125, 0.04011, 0.05175, 0.04915, 0.03789, 0.04144, 0.03996,
    0.04646, 0.04681, 0.04715, 0.03815, 0.04315, 0.0499, 0.04369, 0.03533, 0.04089, 0.03405,
    0.03936, 0.05052, 0.02964, 0.04215, 0.03738, 0.0357,
]  # fmt: skip

RISING_VAL = [
    0.642, 0.3342, 0.2048, 0.1805, 0.1297, 0.09869, 0.1297, 0.06758, 0.07591, 0.06106, 0.09629,
    0.06723, 0.06587, 0.07577, 0.06433, 0.07959, 0.06775, 0.08777, 0.0665, 0.06808, 0.06719,
    0.07147, 0.07849, 0.06393, 0.0713, 0.09301, 0.07027, 0.115, 0.1044, 0.1239, 0.08139,
    0.1466, 0.1049, 0.1542, 0.1255, 0.152,
]  # fmt: skip

ORDINARY_RUNS = {
    "converged": (CONVERGED_TRAIN, CONVERGED_VAL),
    "memorised": (MEMORISED_TRAIN, MEMORISED_VAL),
    "rising": (RISING_TRAIN, RISING_VAL),
}

CALM_RUNS = {
    "noisy": (NOISY_TRAIN, NOISY_VAL),
    "overfit": (OVERFIT_TRAIN, OVERFIT_VAL),
    "dropout": (DROPOUT_TRAIN, DROPOUT_VAL),
    "spike": (SPIKE_TRAIN, SPIKE_VAL),
    "plateau": (PLATEAU_TRAIN, PLATEAU_VAL),
}


def gl_events(train: list[float], val: list[float]) -> list[ng.monitor.Event]:
    """The events of the classroom's GL(5) on a run logged once per epoch."""
    gl = GL(5, stop=False)
    events = [
        gl.update(epoch, loss=t, val_loss=v)
        for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1)
    ]
    return [event for event in events if event is not None]


def test_full_batch_sgd_at_a_learning_rate_too_high_is_said_to_oscillate() -> None:
    """Full-batch SGD at lr = 2 on moons: from epoch 41 the validation loss jumps between 0.2
    and 0.27 every epoch. GL said "no sign of memorising yet" at each swing."""
    events = [e for e in gl_events(LR2_TRAIN, LR2_VAL) if e.epoch >= 50]
    assert [e.message_id for e in events] == ["gl.oscillating"] * 4
    text = events[0].message
    assert (
        "epochs 45–54 it turned 9 times, each time rising by more than 30% or falling by more than 23%"
        in text
    )
    assert "not overfitting" in text and "learning rate (or the momentum)" in text
    assert "Divide it by 3 to 10" in text and "memoris" not in text


def test_sgd_with_momentum_097_is_said_to_oscillate() -> None:
    """SGD with momentum 0.97 on Iris in batches of 16: the training loss doubles and halves
    every epoch or two. GL said "unstable" at epoch 10 (the training loss rose since the best
    epoch), then "memorising" at epoch 14, a swing down of the training loss."""
    events = [(e.epoch, e.message_id) for e in gl_events(MOMENTUM_TRAIN, MOMENTUM_VAL)]
    # "unstable" again at epoch 10 is said once only (sweep s47 H2): at 7
    assert events[-2:] == [(7, "gl.stalled"), (14, "gl.oscillating")]


def test_the_classroom_monitor_says_it_in_polish_too() -> None:
    ng.set_language("pl")
    mon = Monitor(display=False)  # the classroom default
    for epoch, (t, v) in enumerate(zip(LR2_TRAIN, LR2_VAL, strict=True), 1):
        mon.log(epoch, loss=t, val_loss=v)
    said = [e for e in mon.events if e.message_id == "gl.oscillating"]
    assert said, [e.message_id for e in mon.events]
    assert "zmienia kierunek" in said[0].message
    assert "współczynnik uczenia (albo momentum) jest prawdopodobnie za duży" in said[0].message


@pytest.mark.parametrize("run", sorted(CALM_RUNS))
def test_runs_that_only_look_jagged_are_not_said_to_oscillate(run: str) -> None:
    """A validation set of 60 points wobbling while training falls (batches of 8), dropout,
    overfitting with 20% label noise, one spike of the gradient and its recovery, a plateau."""
    train, val = CALM_RUNS[run]
    events = gl_events(train, val)
    assert events or run == "plateau"  # GL speaks in each, but never of oscillating
    assert all(e.message_id != "gl.oscillating" for e in events)


def test_a_training_loss_that_falls_steadily_is_not_oscillating() -> None:
    """Ten epochs of a run that overfits (SGD, momentum 0.9, batches of 8, label noise): the
    validation loss of 30 points zigzags by 30% six times, but the training loss falls
    steadily, so this is noise on a validation set, not a learning rate too high."""
    assert count_swings(STEADY_VAL) >= SWINGS
    tracker = Oscillation()
    for epoch, (t, v) in enumerate(zip(STEADY_TRAIN, STEADY_VAL, strict=True), 221):
        tracker.add(epoch, v, t)
    assert tracker.now() is None
    swinging = Oscillation()  # the same swings with a training loss that swings too
    for epoch, v in enumerate(STEADY_VAL, 221):
        swinging.add(epoch, v, v / 3)
    assert swinging.now() is not None


def test_without_a_training_loss_nothing_is_said_of_oscillating() -> None:
    gl = GL(5, stop=False)
    events = [gl.update(e, val_loss=v) for e, v in enumerate(LR2_VAL, 1)]
    assert all(e is None or e.message_id != "gl.oscillating" for e in events)


@pytest.mark.parametrize("run", sorted(ORDINARY_RUNS))
def test_ordinary_small_data_runs_are_not_said_to_oscillate(run: str) -> None:
    """On a plateau the training loss rises about as much as it falls, and 15 or 30
    validation points zigzag by 30%; a student told "this is not overfitting: lower the
    learning rate 3 to 10 times" would slow down a run that is fine, or miss its memorising."""
    train, val = ORDINARY_RUNS[run]
    windows = range(WINDOW, len(val) + 1)
    assert max(count_swings(val[end - WINDOW : end]) for end in windows) >= SWINGS
    events = gl_events(train, val)
    assert events  # GL speaks in each, but never of oscillating
    assert all(e.message_id != "gl.oscillating" for e in events), [e.message for e in events]
    if run != "converged":  # the training loss far below the validation loss: memorising
        assert any(e.message_id in MEMORISING for e in events)  # unstable is said once (s47)


def test_a_training_loss_far_below_either_loss_is_no_oscillation() -> None:
    """The windows the first rule took for oscillation: memorised (the training loss under a
    third of the lowest validation loss) and fitted (under a tenth of its first value)."""
    first = MEMORISED_TRAIN[0]
    assert memorised_or_fitted(MEMORISED_VAL[10:20], MEMORISED_TRAIN[10:20], first)
    assert memorised_or_fitted(CONVERGED_VAL[8:18], CONVERGED_TRAIN[8:18], CONVERGED_TRAIN[0])
    assert not memorised_or_fitted(LR2_VAL[45:55], LR2_TRAIN[45:55], LR2_TRAIN[0])
    assert not memorised_or_fitted(MOMENTUM_VAL[4:14], MOMENTUM_TRAIN[4:14], MOMENTUM_TRAIN[0])
