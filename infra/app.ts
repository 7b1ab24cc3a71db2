#!/usr/bin/env node
/** The CDK app (`npx cdk synth` / `deploy`); settings come from the `certMonitor` key of cdk.json's context. */
import { App } from 'aws-cdk-lib';
import { buildApp } from './build-app';

buildApp(new App());
