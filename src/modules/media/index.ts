// The media module's entry: what other modules and faces may use of it.
export type { AvatarsService, AvatarView, UploadOptions } from './avatars.service.ts';
export type { FaceDetector } from './faces/face-detector.ts';
export type { SourceFormat } from './image/processed-image.ts';
export { createMediaModule, type MediaModule } from './media.module.ts';
export type { MediaObjects } from './media-objects.service.ts';
export { multipartFile, oneFileLimits } from './multipart-file.ts';
export type { UploadsService, UploadTicket } from './uploads.service.ts';
