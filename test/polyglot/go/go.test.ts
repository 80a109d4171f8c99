import { describeConsumer } from '../consumer-suite';

describeConsumer('go');
