import { Module } from '@nestjs/common';
import { IngestController } from './ingest.controller';
import { IngestNatsListener } from './ingest.nats-listener';
import { IngestService } from './ingest.service';
import { OtlpIngestService } from './otlp-ingest.service';

@Module({ controllers: [IngestController], providers: [IngestService, OtlpIngestService, IngestNatsListener], exports: [IngestService] })
export class IngestModule {}
