// @p2pwall/core/pcap: streaming capture readers, link layers, a pcap writer.
export {
  CaptureError,
  captureFaultMessage,
  type CaptureErrorKind,
  type CaptureFault,
} from './capture-error.js';
export { MAX_CAPLEN, type CaptureReader, type CaptureRecord } from './capture-reader.js';
export * from './ethertype.js';
export { forEachPacket, type PacketVisitor } from './for-each-packet.js';
export * from './link-type.js';
export {
  captureFromBuffer,
  isCaptureMagic,
  openCapture,
  type OpenCaptureOptions,
} from './open-capture.js';
export { PcapReader } from './pcap-reader.js';
export {
  encodePcap,
  PcapWriter,
  type PcapFormatOptions,
  type PcapRecordInput,
} from './pcap-writer.js';
export {
  encodePcapng,
  type PcapngBlockSpec,
  type PcapngOption,
  type PcapngSectionSpec,
} from './pcapng-encode.js';
export { PcapngReader, type PcapngInterface } from './pcapng-reader.js';
