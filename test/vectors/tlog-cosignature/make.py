#!/usr/bin/env python3
"""Builds cosignature.json from the C2SP tlog-cosignature examples with an
implementation independent of Saksi's: Python's hashlib and the `cryptography`
package (OpenSSL's Ed25519). Deterministic: Ed25519 (RFC 8032) has no nonce
input, and the keys are RFC 8032 section 7.1 test seeds."""
import base64, hashlib, json, struct
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw
b64 = lambda b: base64.b64encode(b).decode()

def key(seed_hex):
    sk = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
    return sk, sk.public_key().public_bytes(*RAW)

def key_id(name, typ, pub):
    return hashlib.sha256(name.encode() + b"\n" + bytes([typ]) + pub).digest()[:4]

def vkey(name, typ, pub):
    return f"{name}+{key_id(name, typ, pub).hex()}+{b64(bytes([typ]) + pub)}"

# tlog-cosignature: the example checkpoint body.
BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
T = 1679315147  # the example's "time" line

log_sk, log_pub = key("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")  # RFC 8032 TEST 2
w1_sk, w1_pub = key("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")  # TEST 1
w2_sk, w2_pub = key("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7")  # TEST 3
ORIGIN, W1, W2 = "example.com/behind-the-sofa", "witness.example.com/w1", "witness.example.com/w2"

log_line = f"— {ORIGIN} {b64(key_id(ORIGIN, 1, log_pub) + log_sk.sign(BODY.encode()))}\n"

def cosign(sk, pub, name, t):
    msg = f"cosignature/v1\ntime {t}\n{BODY}".encode()
    return msg, f"— {name} {b64(key_id(name, 4, pub) + struct.pack('>Q', t) + sk.sign(msg))}\n"

msg1, w1_line = cosign(w1_sk, w1_pub, W1, T)
_, w2_line = cosign(w2_sk, w2_pub, W2, T + 1)

out = {
    "source": "see SOURCE.md",
    "spec_example": {
        "comment": "the example of tlog-cosignature 'Format' verbatim; its keys are not published, so only its layout is checked",
        "note": "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
        "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
        "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n",
        "witness_key_id": "8d66cf3f",
        "timestamp": T,
        "signed_message": f"cosignature/v1\ntime {T}\n{BODY}",
    },
    "transparency_dev": {
        "comment": "github.com/transparency-dev/formats note/note_cosigv1_test.go: a native cosignature/v1 vkey and a cosignature with its timestamp",
        "vkey": "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2",
        "cosignature": "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==",
        "timestamp": 1727964367,
    },
    "computed": {
        "comment": "the example checkpoint signed by a log key and cosigned by two witnesses, keys from RFC 8032 7.1 test seeds",
        "log": {"seed": "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "vkey": vkey(ORIGIN, 1, log_pub)},
        "witnesses": [
            {"name": W1, "seed": "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "vkey": vkey(W1, 4, w1_pub), "timestamp": T, "line": w1_line},
            {"name": W2, "seed": "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", "vkey": vkey(W2, 4, w2_pub), "timestamp": T + 1, "line": w2_line},
        ],
        "body": BODY,
        "w1_signed_message": msg1.decode(),
        "note": BODY + "\n" + log_line + w1_line + w2_line,
    },
}
with open("cosignature.json", "w") as f:
    json.dump(out, f, indent=2, ensure_ascii=False)
    f.write("\n")
