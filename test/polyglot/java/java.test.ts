import { describeConsumer } from '../consumer-suite';

describeConsumer('java');
