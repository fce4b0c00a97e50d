"""The models every benchmark runs: small enough for a laptop CPU, shaped like the real ones.

>>> model, x = small_mlp()
>>> model(x).shape
torch.Size([64, 10])
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

Workload = tuple[nn.Module, torch.Tensor]


def small_mlp() -> Workload:
    """The lab's digits MLP: 64 -> 128 -> 64 -> 10, batch of 64."""
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10)
    )
    return model, torch.randn(64, 64)


class Bottleneck(nn.Module):
    """ResNet-50's block: 1x1 reduce, 3x3, 1x1 expand, plus the shortcut."""

    def __init__(self, cin: int, width: int, stride: int = 1) -> None:
        super().__init__()
        cout = width * 4
        self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.downsample: nn.Module = nn.Identity()
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + self.downsample(x))


class ResNet50(nn.Module):
    """ResNet-50's layout (3, 4, 6, 3 bottlenecks) with 1/4 of its widths, on 64x64 images."""

    def __init__(self, width: int = 16, classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, width, 7, 2, 3, bias=False),
            nn.BatchNorm2d(width),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2, 1),
        )
        layers, cin = [], width
        for i, blocks in enumerate((3, 4, 6, 3)):
            w = width * 2**i
            stage = [Bottleneck(cin, w, 1 if i == 0 else 2)]
            stage += [Bottleneck(w * 4, w) for _ in range(blocks - 1)]
            layers.append(nn.Sequential(*stage))
            cin = w * 4
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.layer4(self.layer3(self.layer2(self.layer1(self.stem(x)))))
        return self.fc(torch.flatten(self.pool(x), 1))


def resnet50() -> Workload:
    torch.manual_seed(0)
    return ResNet50(), torch.randn(8, 3, 64, 64)


def transformer() -> Workload:
    """A 6-layer transformer encoder, d_model 128, 4 heads, batch 8 of 32 tokens."""
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(128, 4, 256, dropout=0.1, batch_first=True)
    return nn.TransformerEncoder(layer, 6, enable_nested_tensor=False), torch.randn(8, 32, 128)


def chain(blocks: int = 5000) -> Workload:
    """`blocks` Linear(16, 16) + ReLU blocks in one Sequential."""
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for _ in range(blocks):
        layers += [nn.Linear(16, 16), nn.ReLU()]
    return nn.Sequential(*layers), torch.randn(4, 16)


WORKLOADS: dict[str, Callable[[], Workload]] = {
    "small MLP": small_mlp,
    "ResNet-50-shaped CNN": resnet50,
    "6-layer transformer": transformer,
    "5,000-block chain": chain,
}
