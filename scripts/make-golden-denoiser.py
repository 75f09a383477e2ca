#!/usr/bin/env python3
"""Writes model/src/test/resources/golden/tiny-denoiser/: a tiny BERT denoiser in lodi's architecture and
HuggingFace names, one fixed batch, and what PyTorch computes for it (logits, loss, every parameter's gradient,
and the losses of five AdamW steps). PyTorchGoldenTest (model) checks lodi against these files without PyTorch.

Needs Debian's python3-torch: /usr/bin/python3 scripts/make-golden-denoiser.py
The architecture mirrors lodi.model.bert.Denoiser: embeddings (word + position + token type) then LayerNorm;
post-LN BERT layers (exact-erf GELU); a timestep embedding (sinusoidal code of t*T -> Linear -> SiLU -> Linear)
added to the final hidden states; the MLM head (dense, GELU, LayerNorm, decoder tied to the word embeddings,
bias) on the scored positions only.
"""
import json, math, os, struct, sys
import torch
import torch.nn.functional as F

torch.manual_seed(2026)
torch.set_default_dtype(torch.float32)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "model", "src", "test", "resources",
                   "golden", "tiny-denoiser")
V, D, L, H, FF, P, T, EPS = 50, 16, 2, 2, 32, 16, 100, 1e-12

def normal(*shape, std=0.2):
    return (torch.randn(*shape) * std).requires_grad_()

params = {
    "bert.embeddings.word_embeddings.weight": normal(V, D),
    "bert.embeddings.position_embeddings.weight": normal(P, D),
    "bert.embeddings.token_type_embeddings.weight": normal(2, D),
    "bert.embeddings.LayerNorm.weight": (1 + torch.randn(D) * 0.1).requires_grad_(),
    "bert.embeddings.LayerNorm.bias": normal(D, std=0.1),
}
def linear(name, i, o):
    params[name + ".weight"] = normal(o, i, std=1 / math.sqrt(i))
    params[name + ".bias"] = normal(o, std=0.1)
def norm(name):
    params[name + ".weight"] = (1 + torch.randn(D) * 0.1).requires_grad_()
    params[name + ".bias"] = normal(D, std=0.1)
for l in range(L):
    p = f"bert.encoder.layer.{l}."
    for m in ("query", "key", "value"):
        linear(p + "attention.self." + m, D, D)
    linear(p + "attention.output.dense", D, D); norm(p + "attention.output.LayerNorm")
    linear(p + "intermediate.dense", D, FF)
    linear(p + "output.dense", FF, D); norm(p + "output.LayerNorm")
linear("time_embedding.linear_1", D, 4 * D)
linear("time_embedding.linear_2", 4 * D, D)
linear("cls.predictions.transform.dense", D, D); norm("cls.predictions.transform.LayerNorm")
params["cls.predictions.bias"] = normal(V, std=0.1)

# one batch: B = 3 rows of S = 7, padded; the scored positions are flat indices into B*S
B, S = 3, 7
ids = torch.tensor([[2, 11, 12, 13, 3, 4, 3], [2, 21, 22, 3, 4, 3, 0], [2, 31, 32, 33, 3, 4, 0]])
segments = torch.tensor([[0, 0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 1, 1, 0], [0, 0, 0, 0, 0, 1, 0]])
lengths = [7, 6, 6]
times = torch.tensor([0.3, 0.7, 0.05])
positions = torch.tensor([1, 3, 5, 8, 9, 11, 15, 16, 19])
targets = torch.tensor([17, 14, 40, 22, 9, 7, 31, 45, 5])

def gelu(x):
    return F.gelu(x)  # exact erf, as hidden_act "gelu"

def forward(w):
    keep = torch.zeros(B, S, dtype=torch.bool)
    for b, n in enumerate(lengths):
        keep[b, :n] = True
    x = (w["bert.embeddings.word_embeddings.weight"][ids] + w["bert.embeddings.position_embeddings.weight"][:S]
         + w["bert.embeddings.token_type_embeddings.weight"][segments])
    ln = lambda x, n: F.layer_norm(x, (D,), w[n + ".weight"], w[n + ".bias"], EPS)
    lin = lambda x, n: F.linear(x, w[n + ".weight"], w[n + ".bias"])
    x = ln(x, "bert.embeddings.LayerNorm")
    bias = torch.zeros(B, 1, 1, S).masked_fill(~keep[:, None, None, :], float("-inf"))
    for l in range(L):
        p = f"bert.encoder.layer.{l}."
        heads = lambda t: t.view(B, S, H, D // H).transpose(1, 2)
        q, k, v = (heads(lin(x, p + "attention.self." + m)) for m in ("query", "key", "value"))
        att = (q @ k.transpose(-1, -2) / math.sqrt(D // H) + bias).softmax(-1)
        ctx = (att @ v).transpose(1, 2).reshape(B, S, D)
        x = ln(lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        x = ln(lin(gelu(lin(x, p + "intermediate.dense")), p + "output.dense") + x, p + "output.LayerNorm")
    half = D // 2
    steps = (times * T).double()
    omega = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64) / half)
    angle = steps[:, None] * omega[None, :]
    code = torch.cat([torch.sin(angle), torch.cos(angle)], -1).float()
    te = lin(F.silu(lin(code, "time_embedding.linear_1")), "time_embedding.linear_2")
    x = x + te[:, None, :]
    selected = x.reshape(B * S, D)[positions]
    h = ln(gelu(lin(selected, "cls.predictions.transform.dense")), "cls.predictions.transform.LayerNorm")
    return F.linear(h, w["bert.embeddings.word_embeddings.weight"], w["cls.predictions.bias"])

def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().float()
        data = t.numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data); offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text))); f.write(text)
        for blob in blobs: f.write(blob)

os.makedirs(OUT, exist_ok=True)
write_safetensors(os.path.join(OUT, "model.safetensors"), params)
with open(os.path.join(OUT, "config.json"), "w") as f:
    json.dump({"vocab_size": V, "hidden_size": D, "num_hidden_layers": L, "num_attention_heads": H,
               "intermediate_size": FF, "max_position_embeddings": P, "type_vocab_size": 2, "layer_norm_eps": EPS,
               "hidden_dropout_prob": 0.0, "hidden_act": "gelu", "tie_word_embeddings": True,
               "pre_layer_norm": False, "time_conditioning": "output", "num_timesteps": T}, f, indent=2)

logits = forward(params)
loss = F.cross_entropy(logits, targets)
loss.backward()
expected = {"logits": logits.detach()}
for name, p in params.items():
    expected["grad." + name] = p.grad.detach().clone()
write_safetensors(os.path.join(OUT, "expected.safetensors"), expected)

# five AdamW steps on the same batch, lr 1e-2, decay 0.01 except biases and norms (as lodi and HF's Trainer)
def decays(name):
    module = name.rsplit(".", 2)[-2] if name.count(".") >= 1 else ""
    return not name.endswith("bias") and "norm" not in module.lower()
for p in params.values():
    p.grad = None
opt = torch.optim.AdamW([{"params": [p for n, p in params.items() if decays(n)], "weight_decay": 0.01},
                         {"params": [p for n, p in params.items() if not decays(n)], "weight_decay": 0.0}],
                        lr=1e-2, betas=(0.9, 0.999), eps=1e-8)
losses = []
for step in range(5):
    opt.zero_grad()
    l = F.cross_entropy(forward(params), targets)
    losses.append(l.item())
    l.backward()
    opt.step()
with open(os.path.join(OUT, "batch.json"), "w") as f:
    json.dump({"torch": torch.__version__, "ids": ids.flatten().tolist(), "segments": segments.flatten().tolist(),
               "batch": B, "seq": S, "lengths": lengths, "times": times.tolist(), "positions": positions.tolist(),
               "targets": targets.tolist(), "loss": loss.item(), "adamw": {"lr": 1e-2, "weight_decay": 0.01},
               "step_losses": losses}, f, indent=2)
print("wrote", os.path.normpath(OUT), "loss", loss.item(), "step losses", losses)
