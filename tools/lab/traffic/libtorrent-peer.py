#!/usr/bin/python3
# One libtorrent (python3-libtorrent, Debian) peer of a lab swarm, run inside a lab namespace by
# libtorrent.ts. Two commands:
#
#   libtorrent-peer.py make --data FILE --out TORRENT [--tracker URL] [--hybrid]
#       writes a .torrent of FILE and prints {"event":"torrent","v1":HEX,"v2":HEX|null}
#   libtorrent-peer.py run --listen ADDR:PORT [--torrent T] [--save DIR] [--seed] [--no-tcp]
#       [--no-utp] [--outgoing tcp|utp|both] [--dht] [--bootstrap ADDR:PORT]
#       [--encryption forced|enabled]
#       [--upload-limit BYTES_PER_S]
#       joins the swarm (or, without --torrent, is a DHT node only) and reports on stdout, one JSON
#       object per line: ready, status (every second), finished, dht_announce (a peer stored here).
#
# Why the settings below: the lab has no route out, so everything that would look for the world
# (UPnP, NAT-PMP, Local Service Discovery multicast, the default DHT bootstrap host) is off, and
# the swarm consists only of what the test started. Encryption "forced" refuses plaintext both
# ways and allows RC4 only (allowed_enc_level = rc4), which is what a client set to "require
# encryption" does.
import argparse
import os
import json
import signal
import sys
import time

import libtorrent as lt


def emit(**o):
    sys.stdout.write(json.dumps(o) + '\n')
    sys.stdout.flush()


def make(a):
    fs = lt.file_storage()
    lt.add_files(fs, a.data)
    # libtorrent 2.0 makes hybrid v1+v2 torrents unless told otherwise; a hybrid torrent has two
    # info hashes, and peers announce (tracker, DHT) under both.
    flags = 0 if a.hybrid else lt.create_torrent.v1_only
    ct = lt.create_torrent(fs, 0, flags=flags)
    if a.tracker:
        ct.add_tracker(a.tracker)
    ct.set_creator('p2pwall lab')
    lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(a.data)))
    data = lt.bencode(ct.generate())
    with open(a.out, 'wb') as f:
        f.write(data)
    hashes = lt.torrent_info(a.out).info_hashes()
    v2 = str(hashes.v2) if hashes.has_v2() else None
    emit(event='torrent', v1=str(hashes.v1) if hashes.has_v1() else None, v2=v2)


def settings(a):
    forced = a.encryption == 'forced'
    s = {
        'listen_interfaces': a.listen,
        'enable_incoming_tcp': a.tcp,
        'enable_outgoing_tcp': a.tcp and a.outgoing in ('tcp', 'both'),
        'enable_incoming_utp': a.utp,
        'enable_outgoing_utp': a.utp and a.outgoing in ('utp', 'both'),
        'enable_dht': a.dht,
        'dht_bootstrap_nodes': ','.join(a.bootstrap),
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        'out_enc_policy': int(lt.enc_policy.forced if forced else lt.enc_policy.enabled),
        'in_enc_policy': int(lt.enc_policy.forced if forced else lt.enc_policy.enabled),
        'allowed_enc_level': int(lt.enc_level.rc4 if forced else lt.enc_level.both),
        'prefer_rc4': forced,
        # Our outgoing connections come from the peer's own address, so the router sees each
        # host as one endpoint.
        'outgoing_interfaces': a.listen.rsplit(':', 1)[0],
        'upload_rate_limit': a.upload_limit,
        # The swarm is small and short-lived: look for peers again soon rather than in 15 min.
        'dht_announce_interval': 10,
        'alert_mask': int(
            lt.alert.category_t.status_notification
            | lt.alert.category_t.error_notification
            | lt.alert.category_t.dht_notification
            | lt.alert.category_t.tracker_notification
        ),
    }
    return s


def run(a):
    ses = lt.session(settings(a))
    handle = None
    if a.torrent:
        atp = lt.add_torrent_params()
        atp.ti = lt.torrent_info(a.torrent)
        atp.save_path = a.save
        if a.seed:
            # the file is already complete in save_path; skip the hash check at start
            atp.flags |= lt.torrent_flags.seed_mode
        handle = ses.add_torrent(atp)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    emit(event='ready', listen=a.listen)
    finished = False
    last_status = 0.0
    last_announce = time.monotonic()
    while not stopping:
        for alert in ses.pop_alerts():
            kind = type(alert).__name__
            if kind == 'dht_announce_alert':
                emit(event='dht_announce', ip=str(alert.ip), port=alert.port,
                     info_hash=str(alert.info_hash))
            elif kind == 'listen_failed_alert':
                emit(event='error', what=alert.message())
                sys.exit(1)
            elif kind in ('tracker_error_alert', 'torrent_error_alert', 'file_error_alert'):
                emit(event='warning', what=alert.message())
        now = time.monotonic()
        if handle is not None:
            st = handle.status()
            if not finished and st.is_seeding and not a.seed:
                finished = True
                emit(event='finished', bytes=st.total_wanted)
            if now - last_status >= 1:
                last_status = now
                emit(event='status', progress=st.progress, peers=st.num_peers,
                     seeds=st.num_seeds, seeding=st.is_seeding, down=st.total_payload_download,
                     up=st.total_payload_upload)
            # Until it has a peer, a DHT-only peer asks again every few seconds: its first lookup
            # may have come before the others announced themselves.
            if a.dht and st.num_peers == 0 and now - last_announce >= 3:
                last_announce = now
                handle.force_dht_announce()
        time.sleep(0.1)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='cmd', required=True)
    m = sub.add_parser('make')
    m.add_argument('--data', required=True)
    m.add_argument('--out', required=True)
    m.add_argument('--tracker')
    m.add_argument('--hybrid', action='store_true')
    r = sub.add_parser('run')
    r.add_argument('--listen', required=True)
    r.add_argument('--torrent')
    r.add_argument('--save', default='.')
    r.add_argument('--seed', action='store_true')
    r.add_argument('--no-tcp', dest='tcp', action='store_false')
    r.add_argument('--no-utp', dest='utp', action='store_false')
    # accept both transports, but connect out over one only
    r.add_argument('--outgoing', choices=['tcp', 'utp', 'both'], default='both')
    r.add_argument('--dht', action='store_true')
    r.add_argument('--bootstrap', action='append', default=[])
    r.add_argument('--encryption', choices=['forced', 'enabled'], default='forced')
    r.add_argument('--upload-limit', type=int, default=0)
    a = p.parse_args()
    if a.cmd == 'make':
        make(a)
    else:
        run(a)


if __name__ == '__main__':
    main()
