// The built-in directconnect.rope, signature by signature, over IPv4 and IPv6. No Direct Connect
// client or hub runs here, so the sessions are written out from the protocols' documentation:
// the NMDC protocol wiki (the hub's $Lock … Pk=…|, the client's $Key/$ValidateNick, the
// client-to-client $MyNick/$Lock/$Supports/$Direction/$Key, $MyINFO, $SR over UDP with its 0x05
// separators) and the ADC 1.0 specification (HSUP/ISUP/CSUP with AD features, ISID, BINF with
// the ID field, BSCH, URES). Look-alikes that IPP2P (xt_ipp2p.c) would accept must not match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtin, c, labelledAt, matches, s, over } from './harness.test.js';
import { assertNoLookAlike } from './look-alikes.test.js';

const dc = builtin('directconnect');
const tcp = over('tcp', 411);
const udp = over('udp', 412);
const LOCK = 'EXTENDEDPROTOCOL_verlihub_ABCDEFGHIJ';
const CID = 'ZVF4MR2JP3HRUNKKDQOLUE3DN5FBOBD5DO5FOKI'; // 39 base32 characters
const SID = 'AAAB';

test('NMDC: the lock of a hub and of a client, the key that answers it', () => {
  assert.equal(labelledAt(dc, tcp(s(`$Lock ${LOCK} Pk=version0.9.8e|$HubName Test hub|`))), 0);
  assert.equal(
    labelledAt(dc, tcp(c(`$MyNick alice|$Lock ${LOCK} Pk=DCPLUSPLUS0.868Ref=hub:411|`))),
    0,
  );
  assert.equal(
    labelledAt(dc, tcp(c('hello'), c('$Key /%DCN000%/abc\x01\x02|$ValidateNick alice|'))),
    1,
  );
  assert.ok(matches(dc, tcp(c('$Key ab\x05cd|'))));
  // a lock without Pk=, a command without its terminator, the words inside a line
  assert.ok(!matches(dc, tcp(s(`$Lock ${LOCK}|`))));
  assert.ok(!matches(dc, tcp(s(`$Lock ${LOCK} Pk=version0.9.8e`))));
  assert.ok(!matches(dc, tcp(c(`PRIVMSG #x :$Lock ${LOCK} Pk=x|`))));
  assert.ok(!matches(dc, tcp(c('$Key abc|and then something'))));
});

test('NMDC: the rest of a client-to-client handshake', () => {
  assert.ok(matches(dc, tcp(c('$MyNick bob|'))));
  assert.ok(
    matches(
      dc,
      tcp(
        c('x'),
        s('$Supports MiniSlots XmlBZList ADCGet TTHL TTHF ZLIG |$Direction Download 17762|'),
      ),
    ),
  );
  assert.ok(matches(dc, tcp(s('$Direction Upload 4123|'))));
  assert.ok(!matches(dc, tcp(s('$Direction Sideways 4123|'))));
  assert.ok(!matches(dc, tcp(c('$MyNick bob|trailing'))));
});

test('NMDC: hub sessions and transfers', () => {
  assert.ok(
    matches(
      dc,
      tcp(
        c(
          '$MyINFO $ALL alice my description<++ V:0.868,M:A,H:1/0/0,S:3>$ $100\x01$a@b.c$123456789$|',
        ),
      ),
    ),
  );
  assert.ok(matches(dc, tcp(s('$HubName Test hub|'))));
  assert.ok(matches(dc, tcp(s('$Hello alice|'))));
  assert.ok(matches(dc, tcp(c('$Search 192.0.2.10:412 F?T?0?9?TTH:ABCDEFGHIJ|'))));
  assert.ok(matches(dc, tcp(c('$Send|'))));
  assert.ok(
    matches(dc, tcp(c('$ADCGET file TTH/ZVF4MR2JP3HRUNKKDQOLUE3DN5FBOBD5DO5FOKI 0 -1 ZL1|'))),
  );
  assert.ok(matches(dc, tcp(s('$FileLength 1048576|'))));
  assert.ok(matches(dc, tcp(c('$Get Music\\song.mp3$1|'))));
  assert.ok(!matches(dc, tcp(c('$HubName'))));
  assert.ok(!matches(dc, tcp(c('$FileLength lots|'))));
  assert.ok(!matches(dc, tcp(c('$Sendmail|'))));
});

test('ADC: SUP, SID, INF, searches and connection requests', () => {
  assert.equal(labelledAt(dc, tcp(c('HSUP ADBASE ADTIGR ADBLO0\n'))), 0);
  assert.equal(
    labelledAt(dc, tcp(c('HELLO'), s(`ISUP ADBASE ADTIGR ADUCMD\nISID ${SID}\nIINF CT32 NIhub\n`))),
    1,
  );
  assert.ok(matches(dc, tcp(c('CSUP ADBASE ADTIGR\n'))));
  assert.ok(matches(dc, tcp(c(`BINF ${SID} ID${CID} PD${CID} NIalice SS123 SF4 VEDC++\n`))));
  assert.ok(matches(dc, tcp(c(`CINF ID${CID} TO12345\n`))));
  assert.ok(matches(dc, tcp(c(`BSCH ${SID} ANsong ANflac TO1234\n`))));
  assert.ok(matches(dc, tcp(c(`DCTM ${SID} AAAC ADC/1.0 1412 TO77\n`))));
  // a feature of the wrong length, an id of the wrong length, no newline
  assert.ok(!matches(dc, tcp(c('HSUP ADBAS ADTIGR\n'))));
  assert.ok(!matches(dc, tcp(c(`BINF ${SID} ID${CID.slice(1)} NIalice\n`))));
  assert.ok(!matches(dc, tcp(c('HSUP ADBASE ADTIGR'))));
});

test('UDP: NMDC search results and pings, ADC messages', () => {
  assert.equal(
    labelledAt(
      dc,
      udp(c('$SR alice Music\\song.mp3\x055242880 2/3\x05Test hub (198.51.100.20:411)|')),
    ),
    0,
  );
  assert.ok(matches(dc, udp(c('$SR alice Music 2/3\x05Test hub (198.51.100.20:411)|'))));
  assert.ok(matches(dc, udp(c('$Ping 198.51.100.20:411|'))));
  assert.ok(matches(dc, udp(c(`URES ${CID} SI5242880 SL2 FN/Music/song.mp3 TO1234\n`))));
  // IPP2P: "$SR " … "|" is enough; here the result needs its 0x05 separators
  assert.ok(!matches(dc, udp(c('$SR alice something|'))));
  assert.ok(!matches(dc, udp(c('$SR alice a\x05b|more'))));
  assert.ok(!matches(dc, udp(c(`URES ${CID}\n`))));
});

test('not Direct Connect: other protocols', () => {
  assertNoLookAlike(dc);
  // a shell prompt, an IRC line, a JSON body
  assert.ok(!matches(dc, tcp(s('$ ls -l|grep x\n'))));
  assert.ok(!matches(dc, tcp(c('{"$Lock":"x Pk=y|"}'))));
});
