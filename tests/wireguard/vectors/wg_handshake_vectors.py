# Independent Python re-derivation of the WireGuard handshake vectors in
# tests/wireguard/handshake_test.cpp (WireGuard paper §5.4, Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s).
# Written from the paper, not from tsnode's C++; needs the "cryptography" package.
# Run: python3 wg_handshake_vectors.py
import hashlib, hmac, struct
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives import serialization

R = serialization.Encoding.Raw
P = serialization.PublicFormat.Raw
def pub(k): return X25519PrivateKey.from_private_bytes(k).public_key().public_bytes(R, P)
def dh(k, p): return X25519PrivateKey.from_private_bytes(k).exchange(X25519PublicKey.from_public_bytes(p))
H = lambda d: hashlib.blake2s(d).digest()
def mac(k, d): return hashlib.blake2s(d, digest_size=16, key=k).digest()
def hm(k, d): return hmac.new(k, d, hashlib.blake2s).digest()
def kdf(ck, ikm, n):
    t = hm(ck, ikm); out = []; prev = b''
    for i in range(1, n + 1):
        prev = hm(t, prev + bytes([i])); out.append(prev)
    return out
def aead(k, pt, ad): return ChaCha20Poly1305(k).encrypt(b'\0' * 12, pt, ad)

def tai64n(sec, nsec):
    return struct.pack('>QI', 0x400000000000000a + sec, nsec // 0x1000000 * 0x1000000)

SI, SR, EI, ER = bytes([1] * 32), bytes([2] * 32), bytes([3] * 32), bytes([4] * 32)
I_IDX, R_IDX = 0x11223344, 0x55667788
TS = tai64n(1700000000, 123456789)

def run(psk):
    C = H(b"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s")
    Hh = H(C + b"WireGuard v1 zx2c4 Jason@zx2c4.com")
    Hh = H(Hh + pub(SR))
    # initiation
    C, = kdf(C, pub(EI), 1); Hh = H(Hh + pub(EI))
    C, k = kdf(C, dh(EI, pub(SR)), 2); st = aead(k, pub(SI), Hh); Hh = H(Hh + st)
    C, k = kdf(C, dh(SI, pub(SR)), 2); ts = aead(k, TS, Hh); Hh = H(Hh + ts)
    init = struct.pack('<II', 1, I_IDX) + pub(EI) + st + ts
    init += mac(H(b"mac1----" + pub(SR)), init) + bytes(16)
    # response
    C, = kdf(C, pub(ER), 1); Hh = H(Hh + pub(ER))
    C, = kdf(C, dh(ER, pub(EI)), 1)
    C, = kdf(C, dh(ER, pub(SI)), 1)
    C, tau, k = kdf(C, psk, 3); Hh = H(Hh + tau)
    empty = aead(k, b'', Hh); Hh = H(Hh + empty)
    resp = struct.pack('<III', 2, R_IDX, I_IDX) + pub(ER) + empty
    resp += mac(H(b"mac1----" + pub(SI)), resp) + bytes(16)
    # transport keys (initiator send, initiator receive) and a first data message
    ti_send, ti_recv = kdf(C, b'', 2)
    payload = b"hello wireguard!"  # 16 bytes: no padding needed
    data = struct.pack('<IIQ', 4, R_IDX, 0) + ChaCha20Poly1305(ti_send).encrypt(b'\0' * 12, payload, b'')
    return init, resp, ti_send, ti_recv, data

for name, psk in (("no_psk", bytes(32)), ("psk", bytes([5] * 32))):
    init, resp, s, r, data = run(psk)
    print(name, "initiation", init.hex())
    print(name, "response", resp.hex())
    print(name, "initiator_send", s.hex())
    print(name, "initiator_recv", r.hex())
    print(name, "first_data", data.hex())
